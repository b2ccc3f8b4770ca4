package webhook

import (
	"fmt"
	"net/netip"
	"syscall"

	"github.com/intimeos/integrations/retry"
)

// blockedPrefixes are the address ranges the SSRF guard refuses: everything
// that is not a global unicast address reachable on the public Internet
// (IANA special-purpose registries), cloud metadata included.
var blockedPrefixes = mustPrefixes(
	// IPv4
	"0.0.0.0/8",       // "this network"
	"10.0.0.0/8",      // private
	"100.64.0.0/10",   // CGNAT (shared address space)
	"127.0.0.0/8",     // loopback
	"169.254.0.0/16",  // link-local, cloud metadata 169.254.169.254
	"172.16.0.0/12",   // private
	"192.0.0.0/24",    // IETF protocol assignments
	"192.0.2.0/24",    // TEST-NET-1
	"192.88.99.0/24",  // 6to4 relay anycast
	"192.168.0.0/16",  // private
	"198.18.0.0/15",   // benchmarking
	"198.51.100.0/24", // TEST-NET-2
	"203.0.113.0/24",  // TEST-NET-3
	"224.0.0.0/4",     // multicast
	"240.0.0.0/4",     // reserved, broadcast
	// IPv6
	"::/128",         // unspecified
	"::1/128",        // loopback
	"::ffff:0:0/96",  // IPv4-mapped (checked unmapped as well)
	"64:ff9b::/96",   // NAT64 (embeds IPv4)
	"64:ff9b:1::/48", // local-use NAT64
	"100::/64",       // discard
	"2001::/23",      // IETF protocol assignments (Teredo, ORCHID, ...)
	"2001:db8::/32",  // documentation
	"2002::/16",      // 6to4 (embeds IPv4)
	"3fff::/20",      // documentation
	"5f00::/16",      // SRv6 SIDs
	"fc00::/7",       // unique local, AWS metadata fd00:ec2::254
	"fe80::/10",      // link-local
	"fec0::/10",      // deprecated site-local
	"ff00::/8",       // multicast
)

// globalUnicast6 is the one IPv6 range allocated for global unicast. The
// rest of the space (the IPv4-compatible ::/96 and SIIT ::ffff:0:0:0/96
// forms, which embed any IPv4 address, metadata included, and reserved
// ranges) is refused, whatever netip.Addr.IsGlobalUnicast says of it.
var globalUnicast6 = netip.MustParsePrefix("2000::/3")

func mustPrefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

// BlockedAddressError is the error of a dial to an address the SSRF guard
// refuses. It is permanent: such a delivery is not retried.
type BlockedAddressError struct {
	Addr netip.Addr
}

// Error returns "webhook: refusing to connect to non-public address 10.0.0.1".
func (e *BlockedAddressError) Error() string {
	return fmt.Sprintf("webhook: refusing to connect to non-public address %s", e.Addr)
}

// RetryClass marks the error permanent.
func (e *BlockedAddressError) RetryClass() retry.Class { return retry.ClassPermanent }

// AddrAllowed reports whether the SSRF guard lets a connection to addr
// through: addr is a global unicast address outside every special-purpose
// range, or it is inside one of allow.
func AddrAllowed(addr netip.Addr, allow []netip.Prefix) bool {
	addr = addr.WithZone("")
	for _, p := range allow {
		if p.Contains(addr) || p.Contains(addr.Unmap()) {
			return true
		}
	}
	return isPublic(addr)
}

func isPublic(addr netip.Addr) bool {
	if !addr.IsValid() {
		return false
	}
	if addr.Is4In6() {
		return isPublic(addr.Unmap())
	}
	if addr.Is6() && !globalUnicast6.Contains(addr) {
		return false
	}
	if !addr.IsGlobalUnicast() || addr.IsPrivate() {
		return false
	}
	for _, p := range blockedPrefixes {
		if p.Contains(addr) {
			return false
		}
	}
	return true
}

// guardControl returns a net.Dialer Control function that refuses
// connections to blocked addresses. It runs after name resolution, on the
// very address being dialed, so DNS rebinding cannot slip past it.
func guardControl(allow []netip.Prefix) func(network, address string, c syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return retry.Permanent(fmt.Errorf("webhook: refusing to connect to unparsable address %q", address))
		}
		if !AddrAllowed(ap.Addr(), allow) {
			return &BlockedAddressError{Addr: ap.Addr()}
		}
		return nil
	}
}
