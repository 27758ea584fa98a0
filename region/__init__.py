"""The region (county centre): halls bridged to one MQTT fabric, the region board, bookings."""
