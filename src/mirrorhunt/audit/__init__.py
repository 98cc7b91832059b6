"""The transparency log: every listing change as an entry of an RFC 9162 Merkle tree, signed checkpoints
(c2sp.org/tlog-checkpoint), proofs, and the published copy (c2sp.org/tlog-tiles). See docs/audit.md.

The HTTP routes are in ``mirrorhunt.audit.web`` (``audit_router``), kept apart so that this package
does not import the web framework.
"""

from mirrorhunt.audit.log import AuditLog, ConsistencyProof, InclusionProof
from mirrorhunt.audit.note import Checkpoint, SignerKey, VerifierKey
from mirrorhunt.audit.verify import LogMismatch, Verified, verify_published

__all__ = [
    "AuditLog",
    "Checkpoint",
    "ConsistencyProof",
    "InclusionProof",
    "LogMismatch",
    "SignerKey",
    "Verified",
    "VerifierKey",
    "verify_published",
]
