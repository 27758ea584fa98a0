import json

from board.users import Users, check_password, hash_password, main


def test_hashes_are_salted_and_checked():
    a, b = hash_password("same password"), hash_password("same password")
    assert a["salt"] != b["salt"] and a["hash"] != b["hash"]
    assert check_password(a, "same password") and not check_password(a, "same passwore")
    assert not check_password({"salt": "zz"}, "x")  # a damaged record never lets anyone in


def test_cli_adds_lists_and_removes(tmp_path, monkeypatch, capsys):
    path = tmp_path / "users.json"
    monkeypatch.setenv("HALLQ_BOARD_PASSWORD", "long enough")
    assert main(["--file", str(path), "add", "wang"]) == 0
    assert main(["--file", str(path), "list"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "wang"
    assert Users(path).verify("wang", "long enough")
    assert main(["--file", str(path), "remove", "wang"]) == 0
    assert json.loads(path.read_text()) == {"users": {}}
    assert main(["--file", str(path), "remove", "wang"]) == 1


def test_cli_refuses_bad_names_and_short_passwords(tmp_path, monkeypatch, capsys):
    path = tmp_path / "users.json"
    monkeypatch.setenv("HALLQ_BOARD_PASSWORD", "short")
    assert main(["--file", str(path), "add", "wang"]) == 2
    assert "too short" in capsys.readouterr().err
    monkeypatch.setenv("HALLQ_BOARD_PASSWORD", "long enough")
    assert main(["--file", str(path), "add", "bad name!"]) == 2
    assert not path.exists()


def test_an_unreadable_users_file_is_a_clear_error(tmp_path, capsys):
    path = tmp_path / "users.json"
    path.write_text("{not json")
    assert main(["--file", str(path), "list"]) == 2
    assert "unreadable users file" in capsys.readouterr().err
