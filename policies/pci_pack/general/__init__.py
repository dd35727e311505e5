"""Rules for every resource: tags, names, destroyability, region."""
