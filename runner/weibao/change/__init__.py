"""Change control: maintenance requests, sign-offs, the audit log."""
