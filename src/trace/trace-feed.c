/*
 * trace-feed.c - where a trace message enters the packet paths: an
 * NFT_MSG_TRACE goes to trace-path.c, a legacy nfnetlink_log "TRACE:"
 * hop to trace-path-legacy.c, anything else is ignored. The top of the
 * trace files: it calls down into them and nothing calls back up.
 */
#include "config.h"

#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink_log.h>

#include "iptop.h"
#include "trace.h"
#include "trace-int.h"

int trace_feed_msg(struct trace_state *st, const struct nlmsghdr *nlh, const struct snap_ruleset *rs)
{
	st->completed = 0;
	if (nlh->nlmsg_type == ((NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET))
		return trace_path_legacy_feed(st, nlh, rs);
	if (nlh->nlmsg_type == ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_TRACE))
		return trace_path_feed(st, nlh, rs);
	return 0;
}
