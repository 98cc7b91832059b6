"""Review: who may decide what, and the life of a decision from proposal to expiry or contest."""
