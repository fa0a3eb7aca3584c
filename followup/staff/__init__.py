"""Staff: accounts and sign-in, API tokens, throttles, sealed tokens and the audit trail."""
