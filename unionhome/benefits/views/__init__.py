"""Pages of benefits, by sub-domain: claims, care, proxy filing, funds, service groups and campaigns."""
