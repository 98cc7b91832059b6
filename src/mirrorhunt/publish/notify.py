"""NOTIFY (RFC 1996): the message that tells a secondary to check the zone's serial now.

dnspython keeps the opcode inside ``flags``, so the opcode is set after the flags
(RESOLVERS.md, pitfall 1): the other order silently sends a QUERY, which Unbound answers FORMERR.
"""

from __future__ import annotations

import dns.flags
import dns.message
import dns.opcode
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.tsig

from mirrorhunt.publish.zone import PublishedZone

RETRY_TIMEOUTS = (0.25, 0.5, 1.0, 2.0, 4.0)
"""Seconds to wait for each attempt's answer before sending again (about 8 s in all)."""


def notify_message(zone: PublishedZone, *, key: dns.tsig.Key | None = None) -> dns.message.Message:
    """A NOTIFY for ``zone`` carrying its current SOA, TSIG-signed when ``key`` is given."""
    message = dns.message.Message()
    message.flags = dns.flags.AA
    message.set_opcode(dns.opcode.NOTIFY)
    message.find_rrset(
        message.question, zone.origin, dns.rdataclass.IN, dns.rdatatype.SOA, create=True, force_unique=True
    )
    message.answer.append(zone.soa())
    if key is not None:
        message.use_tsig({key.name: key}, keyname=key.name, algorithm=key.algorithm)
    return message


def acknowledged(request: dns.message.Message, reply: dns.message.Message) -> bool:
    """The secondary took the NOTIFY: a NOERROR answer to this very message."""
    return (
        request.is_response(reply)
        and reply.opcode() == dns.opcode.NOTIFY
        and reply.rcode() == dns.rcode.NOERROR
    )
