/*
 * net: parsers of the network configuration that ir-live reads itself
 * (never through ip, route, arp or netstat of the host): the routing
 * tables of /proc/net/route and /proc/net/ipv6_route, the ARP cache of
 * /proc/net/arp, the IPv6 addresses of /proc/net/if_inet6, and the
 * "keyword value..." lines of resolv.conf, hosts and nsswitch.conf.
 *
 * As in proc.h: the parsers take an untrusted buffer of n bytes, never
 * read past it, and fail with IR_EFORMAT naming the table and the line
 * ("route line 3: bad gateway").  Arrays are freed with free(3); a failed
 * call returns nothing to free.
 */
#ifndef IR_NET_H
#define IR_NET_H

#include <stddef.h>
#include <stdint.h>

struct ir_err;

#define IR_IFNAME_MAX	17	/* IFNAMSIZ (16) and the NUL */

/* One route of /proc/net/route (v4) or /proc/net/ipv6_route (v6). */
struct ir_route {
	int		 family;		/* AF_INET or AF_INET6 */
	char		 ifname[IR_IFNAME_MAX];	/* "" for "*" or "-" */
	uint8_t		 dst[16], gw[16];	/* network order */
	unsigned	 dst_len;		/* prefix length */
	uint8_t		 src[16];		/* v6 source prefix */
	unsigned	 src_len;
	uint32_t	 flags;			/* RTF_UP, RTF_GATEWAY ... */
	uint32_t	 metric;
	uint32_t	 mtu;			/* v4 only */
};

int	 ir_route_parse(const char *buf, size_t n, struct ir_route **,
	    size_t *, struct ir_err *);
int	 ir_route6_parse(const char *buf, size_t n, struct ir_route **,
	    size_t *, struct ir_err *);

/* One entry of /proc/net/arp. */
struct ir_arp {
	uint8_t		 addr[4];		/* network order */
	uint32_t	 hwtype, flags;		/* ATF_COM 0x2, ATF_PERM 0x4 */
	char		 hwaddr[64];		/* "52:54:00:12:35:02" as printed */
	char		 ifname[IR_IFNAME_MAX];
};

int	 ir_arp_parse(const char *buf, size_t n, struct ir_arp **, size_t *,
	    struct ir_err *);

/* One address of /proc/net/if_inet6. */
struct ir_inet6 {
	uint8_t		 addr[16];
	uint32_t	 ifindex;
	unsigned	 prefix_len, scope, flags;
	char		 ifname[IR_IFNAME_MAX];
};

int	 ir_inet6_parse(const char *buf, size_t n, struct ir_inet6 **,
	    size_t *, struct ir_err *);

/*
 * The lines of a configuration file of the form "keyword value ..."
 * (resolv.conf, hosts, nsswitch.conf): comments from '#' (and ';' when
 * semicolon is set, as resolv.conf allows) to the end of the line and
 * blank lines are skipped; key is the first word, value the rest with its
 * leading and trailing blanks cut.  Both point into buf (not terminated);
 * a NUL byte in a line is IR_EFORMAT.  fn's non-zero return stops the
 * parse and is returned.
 */
struct ir_conf_line {
	const char	*key, *value;
	size_t		 keylen, valuelen;
	size_t		 lineno;
};
typedef int	(*ir_conf_fn)(const struct ir_conf_line *, void *arg);

int	 ir_conf_parse(const char *what, const char *buf, size_t n,
	    int semicolon, ir_conf_fn fn, void *arg, struct ir_err *);

#endif
