// Simplified Chinese texts of the event kinds (event_doc_i18n.hpp). Terms
// follow assets/glossary-zh_CN.md; kernel identifiers stay as they are.
#include <array>

#include "trace/event_doc_i18n.hpp"

namespace sendpath::trace {

const std::vector<KindText>& kind_summaries_zh_CN() {
    static const std::vector<KindText> kTexts = {
        {"socket_create", "创建套接字：选项、sysctl 取值和各计数器的初值。"},
        {"sendmsg_enter", "调用 tcp_sendmsg：flags、iovec 个数、要求发送的字节数。"},
        {"wait_connect", "套接字尚未建立连接：在 sk_stream_wait_connect 中等待。"},
        {"wait_connect_done", "sk_stream_wait_connect 返回（成功时 err = 0）。"},
        {"send_mss", "tcp_send_mss 算出 mss_now 和 size_goal。"},
        {"precheck_epipe", "复制之前已置 sk_err 或 SEND_SHUTDOWN：返回 EPIPE。"},
        {"iov_next", "循环转到下一个 iovec。"},
        {"tail_append", "队尾 skb 尚未发送且还有空间：追加到它后面（copy = max - len）。"},
        {"new_segment", "队尾 skb 没有空间（或没有未发送的 skb）：需要一个新的分段。"},
        {"wait_for_sndbuf", "sk_wmem_queued >= sk_sndbuf：发送缓冲区已满，等待。"},
        {"skb_alloc_fail", "sk_stream_alloc_skb 返回 NULL：等待内存。"},
        {"skb_entail", "分配一个新的 skb，计入内存占用，挂到发送队列尾部。"},
        {"copy_linear", "字节复制到 skb 线性区的尾部空间。"},
        {"copy_linear_fault", "向线性区复制用户数据时出错（EFAULT）。"},
        {"page_merge", "缓存页接续最后一个分片：复制使该分片变长。"},
        {"frags_full", "已达 MAX_SKB_FRAGS，或设备不支持分散/聚集：标记 PSH，开始新的分段。"},
        {"page_release", "缓存页已满：套接字释放它对该页的引用。"},
        {"page_none", "没有缓存页：将分配一个新页，偏移为 0。"},
        {"wmem_sched_fail", "sk_wmem_schedule 拒绝了这次复制：等待内存。"},
        {"page_alloc", "为分片分配一个新页。"},
        {"page_alloc_fail", "分配页失败：内存紧张，等待内存。"},
        {"page_new_frag", "字节复制到页中，成为 skb 的一个新分片。"},
        {"copy_page_fault", "向页中复制用户数据时出错（EFAULT）：转到 do_error。"},
        {"psh_clear", "本次调用的第一批字节：清除 skb 上的 PSH。"},
        {"advance", "write_seq 和 end_seq 前移已复制的字节数。"},
        {"last_chunk", "最后一个 iovec 的最后一个字节已复制：转到 out。"},
        {"continue_fill", "skb 未满（或 MSG_OOB）：继续填充它。"},
        {"forced_push", "write_seq 超过 pushed_seq 已多于 max_window/2：立即推送。"},
        {"mark_push", "tcp_mark_push 在 skb 上置 PSH，并令 pushed_seq = write_seq。"},
        {"push_one", "已满的 skb 正是发送队列头（send head）：由 tcp_push_one 发送。"},
        {"push_pending", "tcp_push_pending_frames：尝试发送队列中的全部数据。"},
        {"full_queued", "skb 已满，但前面还有未发送的 skb：留在队列中。"},
        {"wait_for_memory", "在 sk_stream_wait_memory 中等待（先推送已复制的数据）。"},
        {"wait_end", "sk_stream_wait_memory 返回（err = 0，或 EPIPE、EAGAIN、EINTR ……）。"},
        {"do_fault", "do_fault：因复制出错而留下的空 skb 被摘除并释放。"},
        {"fault_unlink", "空 skb 从发送队列中移除并释放。"},
        {"do_error", "do_error：若已复制了字节，返回字节数；否则返回错误码。"},
        {"return_partial", "出错前已有字节进入队列：返回这些字节数。"},
        {"out_push", "out：已复制了字节，按本次调用的 flags 执行 tcp_push。"},
        {"out_err", "out_err：sk_stream_error 转换错误码；EPIPE 且无 MSG_NOSIGNAL 时发送 SIGPIPE。"},
        {"sendmsg_exit", "tcp_sendmsg 返回（ret = 字节数或负的 errno）。"},
        {"tcp_push", "tcp_push：除非 MSG_MORE，否则标记 PSH，然后推送待发的帧。"},
        {"write_xmit", "tcp_write_xmit 查看发送队列头。"},
        {"nagle_defer", "Nagle 算法（或 cork）扣住一个小分段。"},
        {"cwnd_limited", "拥塞窗口已满：停止发送。"},
        {"rwnd_limited", "分段超出对端的接收窗口：停止发送。"},
        {"tso_defer", "TSO 推迟：等待凑成更大的一批再发送。"},
        {"tso_split", "tso_fragment 在窗口或 cwnd 的限制处切分 skb。"},
        {"transmit", "tcp_transmit_skb 构造帧并交给网络设备。"},
        {"rto_arm", "启动重传定时器。"},
        {"probe0_arm", "启动零窗口探测定时器。"},
        {"ack", "收到 ACK：更新 snd_una、窗口和定时器。"},
        {"ack_trim", "部分被确认的 skb 从头部裁掉已确认的部分。"},
        {"skb_free", "完全被确认的 skb 被释放：内存和页引用归还。"},
        {"write_space", "发送缓冲区有了足够空间：唤醒写进程（sk_stream_write_space）。"},
        {"rto_fire", "重传定时器超时。"},
        {"retransmit", "再次发送队列头的 skb（重传）。"},
        {"probe0_fire", "零窗口探测定时器超时。"},
        {"enter_loss", "重传超时：cwnd 降为 1，所有在途分段都标记为丢失。"},
        {"send_ack", "发送一个纯 ACK（发送队列上没有 skb）。"},
        {"cong_avoid", "拥塞窗口增长（慢启动或拥塞避免）。"},
        {"sndbuf_grow", "tcp_new_space 增大 sk_sndbuf。"},
        {"mem_pressure", "全局 TCP 内存池进入或离开内存压力状态。"},
        {"mem_reclaim", "sk_mem_reclaim 把 sk_forward_alloc 中的整页归还全局内存池。"},
        {"sndbuf_moderate", "sk_stream_moderate_sndbuf 在内存压力下缩小 sk_sndbuf。"},
        {"connect", "引擎发送 SYN（主动打开）。"},
        {"established", "收到 SYN-ACK：连接建立。"},
        {"reset", "收到 RST：连接被重置。"},
        {"fin", "FIN 进入队列（shutdown 或 close）。"},
        {"setsockopt", "应用程序设置一个套接字选项。"},
        {"shutdown", "应用程序调用 shutdown()。"},
        {"close", "应用程序调用 close()。"},
        {"signal", "向发送线程递送一个信号。"},
        {"tx_complete", "设备发完一个克隆：sk_wmem_alloc 减小（TSQ_THROTTLED 解除）。"},
        {"autocork_defer", "自动 cork（autocorking）：前面的数据仍在设备中，小的队尾分段暂缓。"},
        {"peer_read", "模拟对端的应用程序读取字节。"},
        {"peer_drop", "分段在途中被丢弃（peer.drop、peer.drop_acks 或 peer.loss）。"},
        {"frame_bad", "收到的帧无效或不是发给本端的：计数后忽略。"},
        {"time_advance", "场景让时间流逝。"},
        {"run_end", "运行结束（跟踪的 end_reason 说明原因）。"},
        {"cwnd_count", "拥塞避免把一个 ACK 计入 snd_cwnd_cnt，累积到下一次增大 cwnd。"},
        {"rtt_sample", "ACK 为只发送过一次的分段计时：更新 srtt、rttvar 和 RTO。"},
        {"wait_sleep", "写进程睡眠，计入 sk_write_pending：等待内存（SOCK_NOSPACE）或握手。"},
        {"xmit_pass", "tcp_write_xmit：skb 通过了 cwnd、窗口和 Nagle 检查，打上时间戳后发送。"},
        {"new_data_sent", "tcp_event_new_data_sent：sk_send_head 后移，snd_nxt 和 packets_out 增大。"},
        {"minshall_update", "tcp_minshall_update：发出了一个小于 MSS 的分段，snd_sml 记下它的末尾。"},
        {"queue_shrunk", "tcp_check_space：已确认的 skb 已释放；清除标志，检查是否有等待的写进程。"},
        {"timer_clear", "重传定时器不再挂起（已没有在途数据）。"},
        {"rtx_acked", "tcp_clean_rtx_queue：这个 ACK 从队列中取走了多少分段，还剩多少在途。"},
        {"peer_update", "模拟对端收下分段、发出 ACK 或读取数据之后的接收状态。"},
        {"ts_recent", "tcp_replace_ts_recent：保存对端最新的时间戳，以便在本端分段中回显。"},
        {"synack", "tcp_rcv_synsent_state_process：采纳 SYN-ACK 的选项（MSS、窗口扩大因子、时间戳）。"},
        {"async_nospace_clear", "tcp_sendmsg 清除先前等待内存时留下的 SOCK_ASYNC_NOSPACE。"},
        {"split_fail", "tso_fragment 或 tcp_fragment 没有内存分配第二个 skb：-ENOMEM，不切分。"},
        {"signal_return", "返回用户态途中的 -ERESTARTSYS：send() 重新开始（SA_RESTART）或返回 EINTR。"},
        {"ack_held", "有写进程在 SYN_SENT 状态等待：握手的 ACK 暂缓，等它的数据一起发（最多 200 ms）。"},
        {"delack_clear", "tcp_event_ack_sent：这个分段捎带了欠下的 ACK；不再有挂起的延迟 ACK。"},
        {"delack_fire", "tcp_delack_timer：延迟 ACK 定时器超时，欠下的 ACK 单独发出。"},
        {"mem_schedule", "sk_wmem_schedule：forward_alloc 不足，向内存池申请整页。"},
        {"mem_suppress", "__sk_mem_schedule：超出了这个套接字可用的内存（suppress_allocation）；接着调整 sk_sndbuf。"},
        {"skb_alloc", "sk_stream_alloc_skb：分配一个新 skb，其线性区向上取整，并算出 truesize。"},
        {"split_point", "skb 比现在允许发出的更长：将在 limit 字节处切开。"},
        {"mark_urg", "tcp_mark_urg：send(MSG_OOB) 把紧急指针 snd_up 置为 write_seq。"},
        {"retrans_marked", "重传已发出：skb 标记为已重传，retrans_out 增大。"},
        {"probe_send", "tcp_write_wakeup：未发送的队列头置 PSH、打上时间戳，作为探测报文发出。"},
        {"fin_acked", "本端的 FIN 被确认：FIN_WAIT1 到 FIN_WAIT2，CLOSING 到 TIME_WAIT，LAST_ACK 到 CLOSE。"},
        {"set_ca_state", "tcp_set_ca_state：拥塞状态机迁移（0 Open …… 4 Loss）。"},
        {"dupack", "tcp_add_reno_sack：没有 SACK 时，一个重复 ACK 在 sacked_out 中计为一个分段。"},
        {"reno_sacks", "没有 SACK 时，sacked_out 中计入的重复 ACK 被撤回（新数据被确认，或复位）。"},
        {"mark_lost", "tcp_mark_head_lost：队列头部的 skb 标记为丢失，lost_out 增大。"},
        {"enter_recovery", "重复 ACK 足够多：开始快速恢复，ssthresh 减小，high_seq = snd_nxt。"},
        {"cwnd_down", "tcp_cwnd_down：恢复期间每收到两个 ACK，cwnd 减一，最多为 in_flight + 1。"},
        {"moderate_cwnd", "tcp_moderate_cwnd：cwnd 降到 in_flight + 3，使可疑的 ACK 不能放出一次突发。"},
        {"complete_cwr", "tcp_complete_cwr：恢复结束；若 cwnd 高于 ssthresh 则降到 ssthresh。"},
        {"recovery_hold", "没有 SACK 时，恰好确认到 high_seq 的 ACK 保持当前状态，直到其后的数据被确认。"},
        {"partial_ack", "恢复期间低于 high_seq 的 ACK（NewReno 部分确认）：下一个空洞也视为丢失。"},
        {"reordering", "tcp_update_reordering：重复 ACK 多于发出的分段：乱序度量增大。"},
        {"loss_ack", "Loss 状态下确认了新数据：连续超时次数 icsk_retransmits 重新计数。"},
        {"sack_blocks", "tcp_sacktag_write_queue：ACK 携带 SACK 块，开始遍历发送队列。"},
        {"sack_discard", "tcp_is_sackblock_valid：超出可被 SACK 范围的块被忽略（见 reason）。"},
        {"dsack", "tcp_check_dsack：第一个 SACK 块报告重复收到的数据（D-SACK）。"},
        {"sack_tag", "tcp_sacktag_one：对端已持有该 skb；标记为 SACKED，sacked_out 增大。"},
        {"lost_retrans", "tcp_mark_lost_retrans：重传之后发送的数据被 SACK：该重传也已丢失。"},
        {"sack_reneging", "ACK 停在对端曾 SACK 过的 skb：对端丢弃了它；按超时处理。"},
        {"seq_reject", "tcp_validate_incoming：分段落在接收窗口之外：丢弃，并回一个 ACK。"},
        {"ca_init", "tcp_init_congestion_control：连接选定它的拥塞控制算法（reno 或 cubic）。"},
        {"hystart_reset", "bictcp_hystart_reset：开始一轮新的 HyStart；现在的 snd_nxt 被确认时这一轮结束。"},
        {"cubic_acked", "bictcp_acked：CUBIC 记下每个 ACK 确认的分段数，以及可用时这个 ACK 的 RTT。"},
        {"hystart_update", "hystart_update：慢启动中，为 ACK 串计时，并保留这一轮最小的 RTT。"},
        {"hystart_exit", "hystart_update：ACK 串足够长或 RTT 变大：慢启动在此结束（ssthresh = cwnd）。"},
        {"cubic_update", "bictcp_update：按三次曲线算出拥塞窗口再增加一个分段需要多少个 ACK（ca_cnt）。"},
        {"cubic_ssthresh", "bictcp_recalc_ssthresh：发生丢包：记下 W_max，ssthresh = cwnd * 717 / 1024。"},
        {"enter_frto", "tcp_enter_frto：超时后，F-RTO 重发队首分段，但先等几个 ACK 再决定是否进入 Loss。"},
        {"frto_ack", "tcp_process_frto：F-RTO 期间到达的一个 ACK，以及它的判定（见 reason）。"},
        {"frto_loss", "tcp_enter_frto_loss：超时是真的丢包：进入 Loss，所有未被 SACK 的分段标记为丢失。"},
        {"frto_highmark", "tcp_ack：snd_una 越过了 frto_highmark，该标记被清零。"},
        {"enter_cwr", "tcp_enter_cwr：没有丢包也减小 cwnd（CWR 状态）；此后按速率减半直到 high_seq。"},
        {"undo", "tcp_try_undo_*：D-SACK 或时间戳表明窗口减小是多余的，予以撤销（见 reason）。"},
        {"undo_cwr", "tcp_undo_cwr：cwnd（完全撤销时还有 ssthresh）回到减小之前的值。"},
        {"retrans_stamp", "已没有重传在途：清零 retrans_stamp（第一次重传的时间）。"},
        {"peer_late", "一个报文段在途中被延迟（peer.late）：之后的报文段可能先到达。"},
        {"paws_reject", "PAWS：报文段的时间戳比 ts_recent 旧，是旧的重复报文，丢弃并回一个 ACK。"},
        {"skb_shift", "skb_shift：页面分片从一个 skb 移到它前面那个 skb 的末尾。"},
        {"sack_shift", "tcp_shifted_skb：已被 SACK 的报文段并入前面那个已 SACK 的 skb；sacked_out 计入它们。"},
        {"sack_merge", "tcp_shifted_skb：该 skb 的全部字节都已移入前一个 skb：它被摘出发送队列并释放。"},
        {"sack_skip", "tcp_sacktag_write_queue：遍历跳过上一个 SACK ACK 已覆盖的 skb，或直接跳到最高 SACK 处。"},
        {"sack_cache", "tcp_sacktag_write_queue：recv_sack_cache 记下这个 ACK 的 SACK 块，供下一个 ACK 使用。"},
        {"cubic_reset", "bictcp_state：套接字进入 Loss；CUBIC 忘掉它的 epoch、W_max 和最小 RTT。"},
    };
    return kTexts;
}

const std::vector<std::string_view>& kinds_english_only_zh_CN() {
    static const std::vector<std::string_view> kNone;
    return kNone;
}

namespace {

// The section titles, in Area order.
constexpr std::array<std::string_view, static_cast<std::size_t>(Area::count_)> kAreaTitlesZh = {
    "tcp_sendmsg：入口",
    "tcp_sendmsg：复制循环",
    "tcp_sendmsg：等待空间",
    "tcp_sendmsg：错误与返回",
    "套接字内存",
    "推送与发送",
    "ACK 处理",
    "定时器",
    "丢包恢复",
    "拥塞控制",
    "连接",
    "应用程序与运行",
    "模拟对端",
};

}  // namespace

std::string_view kind_summary(Kind k, std::string_view lang) {
    if (lang == "zh_CN") {
        const std::string_view name = kind_name(k);
        for (const KindText& t : kind_summaries_zh_CN())
            if (t.kind == name) return t.summary;
    }
    return kind_doc(k);
}

std::string_view area_title(Area a, std::string_view lang) {
    if (lang == "zh_CN" && a < Area::count_) return kAreaTitlesZh[static_cast<std::size_t>(a)];
    return area_title(a);
}

}  // namespace sendpath::trace
