"""Contact cards that stay current: vCard export and a read-only CardDAV address book."""
