"""The JSON API, one router per area; each route parses input and calls a service."""
