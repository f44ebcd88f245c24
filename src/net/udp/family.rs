//! A UDP socket's address family (`udp4` or `udp6`) and the destinations it can reach: an IPv4
//! socket takes IPv4 addresses only; an IPv6 socket takes IPv6 addresses and reaches IPv4 ones
//! through their mapped form (`::ffff:a.b.c.d`, as Linux's dual-stack sockets do).

use crate::io::IoError;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    V4,
    V6,
}

impl Family {
    /// `udp4` or `udp6`, as JS names the socket's type.
    pub fn named(name: &str) -> Option<Family> {
        match name {
            "udp4" => Some(Family::V4),
            "udp6" => Some(Family::V6),
            _ => None,
        }
    }

    /// `ip` as this family reaches it, if it can.
    fn fit(self, ip: IpAddr) -> Option<IpAddr> {
        match (self, ip) {
            (Family::V4, IpAddr::V4(_)) | (Family::V6, IpAddr::V6(_)) => Some(ip),
            (Family::V6, IpAddr::V4(v4)) => Some(IpAddr::V6(v4.to_ipv6_mapped())),
            (Family::V4, IpAddr::V6(_)) => None,
        }
    }

    /// `host:port` as an address of this family, for `syscall` (which the error names). An IP
    /// literal needs no lookup; a host name is resolved by the system's resolver, which blocks:
    /// see [`Family::literal`] to tell them apart first.
    pub fn resolve(self, host: &str, port: u16, syscall: &str) -> Result<SocketAddr, IoError> {
        if let Some(address) = self.literal(host, port, syscall) {
            return address;
        }
        let unresolved = || IoError {
            code: "ENOTFOUND",
            message: format!(
                "ENOTFOUND: cannot resolve the address '{host}', {syscall} {host}:{port}"
            ),
        };
        let found: Vec<IpAddr> = (host, port)
            .to_socket_addrs()
            .map_err(|_| unresolved())?
            .map(|a| a.ip())
            .collect();
        // The family's own addresses first: `localhost` is ::1 to an IPv6 socket.
        let own = found.iter().copied().find(|ip| self.fit(*ip) == Some(*ip));
        own.or_else(|| found.iter().find_map(|ip| self.fit(*ip)))
            .map(|ip| SocketAddr::new(ip, port))
            .ok_or_else(unresolved)
    }

    /// `host` as an IP literal (`[::1]` too) with `port`, or None when it is a host name.
    pub fn literal(
        self,
        host: &str,
        port: u16,
        syscall: &str,
    ) -> Option<Result<SocketAddr, IoError>> {
        let bare = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        let ip: IpAddr = bare.parse().ok()?;
        Some(
            self.fit(ip)
                .map(|ip| SocketAddr::new(ip, port))
                .ok_or_else(|| {
                    let error = std::io::Error::from_raw_os_error(97); // EAFNOSUPPORT
                    IoError::net(&error, syscall, SocketAddr::new(ip, port))
                }),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ipv6_socket_reaches_ipv4_through_the_mapped_form() {
        let address = Family::V6.resolve("127.0.0.1", 9, "send").unwrap();
        assert_eq!(address.to_string(), "[::ffff:127.0.0.1]:9");
    }

    #[test]
    fn an_ipv4_socket_refuses_an_ipv6_address_naming_it() {
        let error = Family::V4.resolve("::1", 9, "send").unwrap_err();
        assert_eq!(error.code, "EAFNOSUPPORT");
        assert!(error.message.ends_with("send [::1]:9"), "{}", error.message);
    }

    #[test]
    fn bracketed_literals_need_no_lookup() {
        let address = Family::V6.literal("[::1]", 53, "send").unwrap().unwrap();
        assert_eq!(address.to_string(), "[::1]:53");
        assert!(Family::V4.literal("localhost", 53, "send").is_none());
    }
}
