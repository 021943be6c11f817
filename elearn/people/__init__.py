"""People and units: validation rules and the services that write them."""
