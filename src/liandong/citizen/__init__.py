"""Citizens' self-service: submit, track, rate, supplement and withdraw, for the public page and channel gateways."""
