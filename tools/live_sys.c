/*
 * live_sys: the system's state around the processes: mounts (mountinfo),
 * kernel modules (/proc/modules against /sys/module), interfaces, routes,
 * neighbours, DNS configuration, sessions and logins (utmp, wtmp, btmp,
 * rotated and gzipped ones too), and /etc/ld.so.preload.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <inttypes.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "live.h"
#include "tool.h"

#define CONF_MAX	((size_t)16 << 20)

/* ---- mounts ---- */

void
live_mounts(struct live *l)
{
	struct ir_mount *m = NULL;
	struct ir_field f[16];
	struct ir_buf b = IR_BUF_INIT(CONF_MAX);
	struct ir_err e;
	char dev[32];
	size_t n, i, k;

	if (live_readat(l->proc_fd, "self/mountinfo", &b, (size_t)64 << 20,
	    &e) != IR_OK || ir_mountinfo_parse(b.buf, b.len, &m, &n, &e) !=
	    IR_OK) {
		live_problem(l, "mounts", "/proc/self/mountinfo", e.msg);
		ir_buf_release(&b);
		return;
	}
	ir_buf_release(&b);
	for (i = 0; i < n && !l->failed; i++) {
		(void)snprintf(dev, sizeof(dev), "%u:%u", m[i].major,
		    m[i].minor);
		k = 0;
		f[k++] = IR_FSTR("type", "mount");
		f[k++] = IR_FU64("mount_id", m[i].id);
		f[k++] = IR_FU64("parent_id", m[i].parent);
		f[k++] = IR_FSTR("dev", dev);
		f[k++] = IR_FSTR("path", m[i].point);
		f[k++] = IR_FSTR("fs_root", m[i].root);
		f[k++] = IR_FSTR("fstype", m[i].fstype);
		f[k++] = IR_FSTR("source", m[i].source);
		f[k++] = IR_FSTR("options", m[i].opts);
		f[k++] = IR_FSTR("super_options", m[i].super);
		if (m[i].optional[0] != '\0')
			f[k++] = IR_FSTR("propagation", m[i].optional);
		(void)live_emit(l, f, k);
	}
	live_find_covers(l, m, n);
	ir_mounts_free(m, n);
}

/* ---- modules ---- */

static int
strpcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
live_modules(struct live *l)
{
	struct ir_module *m = NULL;
	struct ir_field f[12], ev[4];
	struct ir_buf b = IR_BUF_INIT(CONF_MAX);
	struct ir_err e;
	char addr[24], detail[512];
	char **sys = NULL, *key;
	size_t n = 0, i, k, nsys = 0;
	int have_sys;

	if (live_readat(l->proc_fd, "modules", &b, CONF_MAX, &e) != IR_OK ||
	    ir_modules_parse(b.buf, b.len, &m, &n, &e) != IR_OK) {
		/*
		 * A kernel built without modules has no /proc/modules, and
		 * then /sys/module lists built-in ones only.
		 */
		ir_buf_release(&b);
		if (e.code != IR_ENOENT) {
			live_problem(l, "modules", "/proc/modules", e.msg);
			return;
		}
		m = NULL;
		n = 0;
	}
	ir_buf_release(&b);
	if (!(have_sys = ir_sysmodules_read("/sys/module", &sys, &nsys, &e) ==
	    IR_OK))
		live_problem(l, "modules", "/sys/module", e.msg);
	for (i = 0; i < n && !l->failed; i++) {
		int in_sys;

		key = m[i].name;
		in_sys = nsys > 0 && bsearch(&key, sys, nsys, sizeof(*sys),
		    strpcmp) != NULL;
		(void)snprintf(addr, sizeof(addr), "0x%" PRIx64, m[i].addr);
		k = 0;
		f[k++] = IR_FSTR("type", "module");
		f[k++] = IR_FSTR("name", m[i].name);
		f[k++] = IR_FU64("size", m[i].size);
		f[k++] = IR_FI64("refcount", m[i].refcount);
		f[k++] = IR_FSTR("deps", m[i].deps);
		f[k++] = IR_FSTR("state", m[i].state);
		f[k++] = IR_FSTR("addr", addr);
		f[k++] = IR_FSTR("taint", m[i].taint);
		f[k++] = IR_FBOOL("in_proc_modules", 1);
		if (have_sys)
			f[k++] = IR_FBOOL("in_sys_module", in_sys);
		(void)live_emit(l, f, k);
		/* One still loading may not be in sysfs yet. */
		if (have_sys && !in_sys && strcmp(m[i].state, "Live") == 0) {
			(void)snprintf(detail, sizeof(detail), "module %s is "
			    "in /proc/modules but has no /sys/module entry "
			    "(its kobject was removed)", m[i].name);
			ev[0] = IR_FSTR("name", m[i].name);
			ev[1] = IR_FSTR("seen_in", "/proc/modules");
			live_finding(l, "hidden-module", detail, ev, 2);
		}
	}
	for (k = 0; k < nsys && !l->failed; k++) {
		for (i = 0; i < n; i++)
			if (strcmp(m[i].name, sys[k]) == 0)
				break;
		if (i < n)
			continue;
		(void)snprintf(detail, sizeof(detail), "module %s is in "
		    "/sys/module but missing from /proc/modules (unlinked "
		    "from the kernel's module list)", sys[k]);
		f[0] = IR_FSTR("type", "module");
		f[1] = IR_FSTR("name", sys[k]);
		f[2] = IR_FBOOL("in_proc_modules", 0);
		f[3] = IR_FBOOL("in_sys_module", 1);
		(void)live_emit(l, f, 4);
		ev[0] = IR_FSTR("name", sys[k]);
		ev[1] = IR_FSTR("seen_in", "/sys/module");
		live_finding(l, "hidden-module", detail, ev, 2);
	}
	ir_sysmodules_free(sys, nsys);
	ir_modules_free(m, n);
}

/* ---- interfaces, addresses, routes, neighbours ---- */

static void
sys_value(const char *ifn, const char *what, char *out, size_t outsz)
{
	char path[128];
	struct ir_buf b = IR_BUF_INIT(4096);
	struct ir_err e;
	size_t n;

	out[0] = '\0';
	(void)snprintf(path, sizeof(path), "/sys/class/net/%s/%s", ifn, what);
	if (live_readat(AT_FDCWD, path, &b, 4096, &e) == IR_OK) {
		n = b.len;
		while (n > 0 && (b.buf[n - 1] == '\n' || b.buf[n - 1] == ' '))
			n--;
		if (n >= outsz)
			n = outsz - 1;
		memcpy(out, b.buf, n);
		out[n] = '\0';
	}
	ir_buf_release(&b);
}

/* The v4 addresses (getifaddrs: the kernel's netlink dump) of ifn. */
static void
addrs_json(const struct ifaddrs *ifa, const struct ir_inet6 *a6, size_t n6,
    const char *ifn, struct ir_buf *b)
{
	struct ir_err e;
	char s[INET6_ADDRSTRLEN + 8];
	const struct ifaddrs *p;
	unsigned plen;
	size_t k;
	int first = 1;

	ir_buf_reset(b);
	(void)ir_buf_addch(b, '[', &e);
	for (p = ifa; p != NULL; p = p->ifa_next) {
		const struct sockaddr_in *sin, *msk;

		if (p->ifa_addr == NULL || p->ifa_addr->sa_family != AF_INET ||
		    strcmp(p->ifa_name, ifn) != 0)
			continue;
		sin = (const struct sockaddr_in *)(const void *)p->ifa_addr;
		msk = (const struct sockaddr_in *)(const void *)p->ifa_netmask;
		plen = msk != NULL ? (unsigned)__builtin_popcount(
		    msk->sin_addr.s_addr) : 32;
		if (inet_ntop(AF_INET, &sin->sin_addr, s, sizeof(s)) == NULL)
			continue;
		(void)ir_buf_addf(b, &e, "%s\"%s/%u\"", first ? "" : ",", s,
		    plen);
		first = 0;
	}
	for (k = 0; k < n6; k++) {
		if (strcmp(a6[k].ifname, ifn) != 0 ||
		    inet_ntop(AF_INET6, a6[k].addr, s, sizeof(s)) == NULL)
			continue;
		(void)ir_buf_addf(b, &e, "%s\"%s/%u\"", first ? "" : ",", s,
		    a6[k].prefix_len);
		first = 0;
	}
	(void)ir_buf_addch(b, ']', &e);
}

static int
read_proc_table(struct live *l, const char *path, struct ir_buf *b)
{
	struct ir_err e;
	char where[80];

	if (live_readat(l->proc_fd, path, b, CONF_MAX, &e) == IR_OK)
		return 0;
	if (e.code != IR_ENOENT) {
		(void)snprintf(where, sizeof(where), "/proc/%s", path);
		live_problem(l, "network", where, e.msg);
	}
	return -1;
}

static void
interfaces(struct live *l)
{
	struct ir_buf b = IR_BUF_INIT(CONF_MAX), js = IR_BUF_INIT(CONF_MAX);
	struct ir_inet6 *a6 = NULL;
	struct ifaddrs *ifa = NULL;
	struct ir_field f[16], ev[4];
	struct dirent *de;
	struct ir_err e;
	char flags[32], idx[32], mtu[32], mac[64], oper[64], detail[256];
	unsigned long fl;
	size_t n6 = 0, k;
	DIR *d;

	if (read_proc_table(l, "net/if_inet6", &b) == 0 &&
	    ir_inet6_parse(b.buf, b.len, &a6, &n6, &e) != IR_OK)
		live_problem(l, "network", "/proc/net/if_inet6", e.msg);
	if (getifaddrs(&ifa) != 0) {
		live_problem(l, "network", "netlink", strerror(errno));
		ifa = NULL;
	}
	if ((d = opendir("/sys/class/net")) == NULL) {
		live_problem(l, "network", "/sys/class/net", strerror(errno));
		goto out;
	}
	while (!l->failed && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		sys_value(de->d_name, "flags", flags, sizeof(flags));
		sys_value(de->d_name, "ifindex", idx, sizeof(idx));
		sys_value(de->d_name, "mtu", mtu, sizeof(mtu));
		sys_value(de->d_name, "address", mac, sizeof(mac));
		sys_value(de->d_name, "operstate", oper, sizeof(oper));
		fl = strtoul(flags, NULL, 16);
		addrs_json(ifa, a6, n6, de->d_name, &js);
		k = 0;
		f[k++] = IR_FSTR("type", "interface");
		f[k++] = IR_FSTR("name", de->d_name);
		if (idx[0] != '\0')
			f[k++] = IR_FU64("ifindex", strtoull(idx, NULL, 10));
		f[k++] = IR_FSTR("flags", flags);
		f[k++] = IR_FBOOL("up", (fl & IFF_UP) != 0);
		f[k++] = IR_FBOOL("promiscuous", (fl & IFF_PROMISC) != 0);
		if (mtu[0] != '\0')
			f[k++] = IR_FU64("mtu", strtoull(mtu, NULL, 10));
		if (mac[0] != '\0')
			f[k++] = IR_FSTR("mac", mac);
		if (oper[0] != '\0')
			f[k++] = IR_FSTR("operstate", oper);
		f[k++] = IR_FRAW("addrs", js.buf);
		(void)live_emit(l, f, k);
		if (fl & IFF_PROMISC) {
			(void)snprintf(detail, sizeof(detail), "interface %s "
			    "is in promiscuous mode: something may be "
			    "capturing all traffic on it", de->d_name);
			ev[0] = IR_FSTR("name", de->d_name);
			ev[1] = IR_FSTR("flags", flags);
			live_finding(l, "promiscuous", detail, ev, 2);
		}
	}
	(void)closedir(d);
out:
	if (ifa != NULL)
		freeifaddrs(ifa);
	free(a6);
	ir_buf_release(&b);
	ir_buf_release(&js);
}

static void
routes(struct live *l)
{
	struct ir_buf b = IR_BUF_INIT(CONF_MAX);
	struct ir_route *r = NULL;
	struct ir_field f[12];
	struct ir_err e;
	char dst[INET6_ADDRSTRLEN + 8], gw[INET6_ADDRSTRLEN], fl[16];
	size_t n = 0, i, k;
	int v6;

	for (v6 = 0; v6 < 2; v6++) {
		const char *path = v6 ? "net/ipv6_route" : "net/route";

		if (read_proc_table(l, path, &b) != 0)
			continue;
		if ((v6 ? ir_route6_parse(b.buf, b.len, &r, &n, &e) :
		    ir_route_parse(b.buf, b.len, &r, &n, &e)) != IR_OK) {
			live_problem(l, "routes", v6 ? "/proc/net/ipv6_route" :
			    "/proc/net/route", e.msg);
			continue;
		}
		for (i = 0; i < n && !l->failed; i++) {
			int fam = v6 ? AF_INET6 : AF_INET;

			(void)inet_ntop(fam, r[i].dst, dst, sizeof(dst));
			(void)snprintf(dst + strlen(dst), sizeof(dst) -
			    strlen(dst), "/%u", r[i].dst_len);
			(void)inet_ntop(fam, r[i].gw, gw, sizeof(gw));
			(void)snprintf(fl, sizeof(fl), "0x%04" PRIx32,
			    r[i].flags);
			k = 0;
			f[k++] = IR_FSTR("type", "route");
			f[k++] = IR_FSTR("family", v6 ? "inet6" : "inet");
			f[k++] = IR_FSTR("dst", dst);
			f[k++] = IR_FSTR("gateway", gw);
			f[k++] = IR_FSTR("ifname", r[i].ifname);
			f[k++] = IR_FU64("metric", r[i].metric);
			f[k++] = IR_FSTR("flags", fl);
			if (!v6)
				f[k++] = IR_FU64("mtu", r[i].mtu);
			(void)live_emit(l, f, k);
		}
		free(r);
		r = NULL;
	}
	ir_buf_release(&b);
}

static void
neighbours(struct live *l)
{
	struct ir_buf b = IR_BUF_INIT(CONF_MAX);
	struct ir_arp *a = NULL;
	struct ir_field f[10];
	struct ir_err e;
	char addr[INET_ADDRSTRLEN], fl[16];
	size_t n = 0, i, k;

	if (read_proc_table(l, "net/arp", &b) != 0)
		goto out;
	if (ir_arp_parse(b.buf, b.len, &a, &n, &e) != IR_OK) {
		live_problem(l, "neighbours", "/proc/net/arp", e.msg);
		goto out;
	}
	for (i = 0; i < n && !l->failed; i++) {
		(void)inet_ntop(AF_INET, a[i].addr, addr, sizeof(addr));
		(void)snprintf(fl, sizeof(fl), "0x%" PRIx32, a[i].flags);
		k = 0;
		f[k++] = IR_FSTR("type", "neighbour");
		f[k++] = IR_FSTR("family", "inet");
		f[k++] = IR_FSTR("addr", addr);
		f[k++] = IR_FSTR("mac", a[i].hwaddr);
		f[k++] = IR_FSTR("ifname", a[i].ifname);
		f[k++] = IR_FSTR("flags", fl);
		f[k++] = IR_FBOOL("complete", (a[i].flags & 0x2) != 0);
		f[k++] = IR_FBOOL("permanent", (a[i].flags & 0x4) != 0);
		(void)live_emit(l, f, k);
	}
out:
	free(a);
	ir_buf_release(&b);
}

static const char *
nud_name(unsigned st)
{
	if (st & NUD_PERMANENT)
		return "PERMANENT";
	if (st & NUD_NOARP)
		return "NOARP";
	if (st & NUD_REACHABLE)
		return "REACHABLE";
	if (st & NUD_STALE)
		return "STALE";
	if (st & NUD_DELAY)
		return "DELAY";
	if (st & NUD_PROBE)
		return "PROBE";
	if (st & NUD_FAILED)
		return "FAILED";
	if (st & NUD_INCOMPLETE)
		return "INCOMPLETE";
	return "NONE";
}

/* One RTM_NEWNEIGH message of the dump as a record. */
static void
neigh6_msg(struct live *l, const struct nlmsghdr *h)
{
	const struct ndmsg *nd = NLMSG_DATA(h);
	const struct rtattr *a;
	struct ir_field f[10];
	char addr[INET6_ADDRSTRLEN] = "", mac[64] = "", ifn[IF_NAMESIZE] = "";
	int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*nd));
	size_t k, i, al;

	if (len < 0 || nd->ndm_family != AF_INET6)
		return;
	for (a = (const struct rtattr *)((const char *)nd +
	    NLMSG_ALIGN(sizeof(*nd))); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		al = RTA_PAYLOAD(a);
		if (a->rta_type == NDA_DST && al == 16)
			(void)inet_ntop(AF_INET6, RTA_DATA(a), addr,
			    sizeof(addr));
		else if (a->rta_type == NDA_LLADDR && al > 0 && al <= 20) {
			const unsigned char *m = RTA_DATA(a);
			size_t o = 0;

			for (i = 0; i < al; i++)
				o += (size_t)snprintf(mac + o, sizeof(mac) - o,
				    "%s%02x", i ? ":" : "", m[i]);
		}
	}
	if (addr[0] == '\0')
		return;
	(void)if_indextoname((unsigned)nd->ndm_ifindex, ifn);
	k = 0;
	f[k++] = IR_FSTR("type", "neighbour");
	f[k++] = IR_FSTR("family", "inet6");
	f[k++] = IR_FSTR("addr", addr);
	f[k++] = IR_FSTR("mac", mac);
	f[k++] = IR_FSTR("ifname", ifn);
	f[k++] = IR_FI64("ifindex", nd->ndm_ifindex);
	f[k++] = IR_FSTR("state", nud_name(nd->ndm_state));
	f[k++] = IR_FBOOL("complete", (nd->ndm_state & (NUD_REACHABLE |
	    NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT)) != 0);
	f[k++] = IR_FBOOL("permanent", (nd->ndm_state & NUD_PERMANENT) != 0);
	(void)live_emit(l, f, k);
}

/*
 * IPv6 neighbours exist only in the kernel's netlink view: a dump of
 * RTM_GETNEIGH (the kernel answers; no program of the host runs).
 */
static void
neighbours6(struct live *l)
{
	struct {
		struct nlmsghdr	 h;
		struct ndmsg	 nd;
	} req;
	struct sockaddr_nl sa, from;
	const struct nlmsghdr *h;
	char *buf;
	ssize_t r;
	size_t off;
	int fd, done = 0;

	if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
	    NETLINK_ROUTE)) < 0) {
		live_problem(l, "neighbours", "netlink", strerror(errno));
		return;
	}
	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = NLMSG_LENGTH(sizeof(req.nd));
	req.h.nlmsg_type = RTM_GETNEIGH;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.h.nlmsg_seq = 1;
	req.nd.ndm_family = AF_INET6;
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	if ((buf = malloc(1 << 16)) == NULL)
		tool_die(IR_EXIT_INCOMPLETE, "out of memory");
	if (sendto(fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *)&sa,
	    sizeof(sa)) < 0) {
		live_problem(l, "neighbours", "netlink", strerror(errno));
		done = 1;
	}
	while (!done && !l->failed) {
		socklen_t fl = sizeof(from);

		if ((r = recvfrom(fd, buf, 1 << 16, 0, (struct sockaddr *)&from,
		    &fl)) < 0) {
			if (errno == EINTR)
				continue;
			live_problem(l, "neighbours", "netlink",
			    strerror(errno));
			break;
		}
		if (r == 0)
			break;
		if (from.nl_pid != 0)
			continue;	/* not the kernel's answer */
		/* NLMSG_OK, spelled out without its signed comparison. */
		for (off = 0; off + sizeof(*h) <= (size_t)r;
		    off += NLMSG_ALIGN(h->nlmsg_len)) {
			h = (const struct nlmsghdr *)(const void *)(buf + off);
			if (h->nlmsg_len < sizeof(*h) ||
			    h->nlmsg_len > (size_t)r - off)
				break;
			if (h->nlmsg_type == NLMSG_DONE) {
				done = 1;
				break;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *ne = NLMSG_DATA(h);

				if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(*ne)) &&
				    ne->error != 0)
					live_problem(l, "neighbours", "netlink",
					    strerror(-ne->error));
				done = 1;
				break;
			}
			if (h->nlmsg_type == RTM_NEWNEIGH)
				neigh6_msg(l, h);
		}
	}
	free(buf);
	(void)close(fd);
}

void
live_network(struct live *l)
{
	interfaces(l);
	routes(l);
	neighbours(l);
	neighbours6(l);
}

/* ---- DNS configuration ---- */

struct conf {
	struct live	*l;
	const char	*file;
};

static int
conf_line(const struct ir_conf_line *c, void *arg)
{
	struct conf *cf = arg;
	struct ir_field f[6];

	f[0] = IR_FSTR("type", "dns");
	f[1] = IR_FSTR("path", cf->file);
	f[2] = IR_FU64("line", c->lineno);
	f[3] = IR_FBYTES("key", c->key, c->keylen);
	f[4] = IR_FBYTES("value", c->value, c->valuelen);
	return live_emit(cf->l, f, 5);
}

void
live_dns(struct live *l)
{
	static const struct {
		const char	*path;
		int		 semicolon;
	} files[] = {
		{ "/etc/resolv.conf", 1 },
		{ "/etc/hosts", 0 },
		{ "/etc/nsswitch.conf", 0 },
		{ "/etc/host.conf", 0 },
	};
	struct ir_buf b;
	struct ir_err e;
	struct conf cf;
	char buf[4096], final[4096];
	const char *p;
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]) && !l->failed; i++) {
		p = live_path(l, files[i].path, buf, sizeof(buf));
		ir_buf_init(&b, CONF_MAX);
		if (live_read_host_file(l, files[i].path, &b, final,
		    sizeof(final), &e) != IR_OK) {
			if (e.code != IR_ENOENT)
				live_problem(l, "dns", p, e.msg);
		} else {
			if (strcmp(final, files[i].path) != 0) {
				struct ir_field f[4];

				/* resolv.conf -> systemd-resolved's stub. */
				f[0] = IR_FSTR("type", "dns");
				f[1] = IR_FSTR("path", files[i].path);
				f[2] = IR_FSTR("link", final);
				(void)live_emit(l, f, 3);
			}
			cf.l = l;
			cf.file = final;
			if (ir_conf_parse(files[i].path, b.buf, b.len,
			    files[i].semicolon, conf_line, &cf, &e) != IR_OK &&
			    !l->failed)
				live_problem(l, "dns", p, e.msg);
		}
		ir_buf_release(&b);
	}
}

/* ---- /etc/ld.so.preload ---- */

static int
preload_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == ':' || c == '\0';
}

void
live_preload_file(struct live *l)
{
	struct ir_buf b = IR_BUF_INIT(CONF_MAX);
	struct ir_field ev[3];
	struct ir_err e;
	char buf[4096], final[4096], detail[512];
	const char *p;
	size_t i, j;

	p = live_path(l, "/etc/ld.so.preload", buf, sizeof(buf));
	if (live_read_host_file(l, "/etc/ld.so.preload", &b, final,
	    sizeof(final), &e) != IR_OK) {
		if (e.code != IR_ENOENT)
			live_problem(l, "ld.so.preload", p, e.msg);
		ir_buf_release(&b);
		return;
	}
	/*
	 * ld.so splits the file on blanks and ':' (and stops at a NUL, which
	 * here separates too: whatever follows is said).
	 */
	for (i = 0; i < b.len; i = j) {
		while (i < b.len && preload_sep(b.buf[i]))
			i++;
		for (j = i; j < b.len && !preload_sep(b.buf[j]); j++)
			;
		if (j == i)
			break;
		(void)snprintf(detail, sizeof(detail), "/etc/ld.so.preload "
		    "names a library that ld.so loads into every dynamically "
		    "linked program");
		ev[0] = IR_FSTR("path", "/etc/ld.so.preload");
		ev[1] = IR_FBYTES("library", b.buf + i, j - i);
		live_finding(l, "ld-preload", detail, ev, 2);
	}
	ir_buf_release(&b);
}

/* ---- sessions, logins, failed logins ---- */

struct ut {
	struct live	*l;
	const char	*file;
	const char	*type;
	int		 failed;
};

static int
ut_rec(const struct ir_utmp_rec *r, void *arg)
{
	struct ut *u = arg;
	struct ir_field f[20];
	size_t k = 0;

	if (r->type == IR_UTMP_EMPTY)
		return IR_OK;
	f[k++] = IR_FSTR("type", u->type);
	f[k++] = IR_FSTR("path", u->file);
	f[k++] = IR_FU64("offset", r->offset);
	f[k++] = IR_FSTR("ut_type", r->type_name);
	f[k++] = IR_FSTR("user", r->user);
	f[k++] = IR_FSTR("line", r->line);
	f[k++] = IR_FSTR("host", r->host);
	if (r->addr[0] != '\0')
		f[k++] = IR_FSTR("addr", r->addr);
	f[k++] = IR_FI64("pid", r->pid);
	f[k++] = IR_FSTR("id", r->id);
	f[k++] = IR_FI64("session", r->session);
	f[k++] = IR_FTIME("time", r->tv);
	if (r->type == IR_UTMP_DEAD_PROCESS) {
		f[k++] = IR_FI64("exit_termination", r->exit_term);
		f[k++] = IR_FI64("exit_status", r->exit_exit);
	}
	if (u->failed)
		f[k++] = IR_FBOOL("failed", 1);
	return live_emit(u->l, f, k);
}

static void
ut_file(struct live *l, const char *path, const char *shown,
    const char *type, int failed)
{
	struct ut u = { l, shown, type, failed };
	struct ir_err e;
	int rc;

	rc = ir_utmp_read_file(path, ut_rec, &u, &e);
	if (rc != IR_OK && !l->failed && !(rc == IR_EIO &&
	    e.sys_errno == ENOENT) && rc != IR_ENOENT)
		live_problem(l, "sessions", path, e.msg);
}

static int
namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
live_sessions(struct live *l)
{
	struct stat st;
	struct dirent *de;
	char buf[4096], path[4096], shown[512];
	char **names = NULL;
	const char *p, *logdir;
	size_t n = 0, i;
	DIR *d;

	/* utmp: /run/utmp (where /var/run points), else /var/run/utmp. */
	p = live_path(l, "/run/utmp", buf, sizeof(buf));
	if (lstat(p, &st) == 0)
		ut_file(l, p, "/run/utmp", "session", 0);
	else {
		p = live_path(l, "/var/run/utmp", buf, sizeof(buf));
		if (lstat(p, &st) == 0)
			ut_file(l, p, "/var/run/utmp", "session", 0);
	}
	logdir = live_path(l, "/var/log", buf, sizeof(buf));
	if ((d = opendir(logdir)) == NULL) {
		if (errno != ENOENT)
			live_problem(l, "sessions", logdir, strerror(errno));
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "wtmp", 4) != 0 &&
		    strncmp(de->d_name, "btmp", 4) != 0)
			continue;
		if ((names = reallocarray(names, n + 1, sizeof(*names))) ==
		    NULL || (names[n] = strdup(de->d_name)) == NULL)
			tool_die(IR_EXIT_INCOMPLETE, "out of memory");
		n++;
	}
	(void)closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), namecmp);
	for (i = 0; i < n && !l->failed; i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", logdir, names[i]);
		(void)snprintf(shown, sizeof(shown), "/var/log/%s", names[i]);
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode))
			ut_file(l, path, shown, "login", names[i][0] == 'b');
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}
