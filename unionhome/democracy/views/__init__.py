"""Democracy pages, by sub-domain: the congress and its proposals, polls, the register of matters,
the public lists of suggestions and topics, and collective contracts."""
