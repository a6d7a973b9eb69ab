#include "pipelines/hub/rtsp_reader.hpp"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gst/sdp/gstsdpmessage.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <random>
#include <vector>

#include "pipelines/codec_table.hpp"
#include "pipelines/h264_caps.hpp"
#include "pipelines/inline_chain.hpp"
#include "pipelines/hub/reader_loop.hpp"
#include "pipelines/rtsp_credentials.hpp"
#include "pipelines/rtsp_message.hpp"
#include "pipelines/rtp_nal_depay.hpp"

namespace sy {
namespace {

constexpr int io_timeout_ms = 10000;       // a request's answer, or media, must come within this
constexpr gint64 media_timeout_us = 10 * G_USEC_PER_SEC;

// A track being read: its channel's RTP goes through the depayloader into the hub.
// H.264 whose SDP has its parameter sets is depayloaded by rtp_nal_depay straight
// into avc units, with caps made from the SPS (no GStreamer element at all); other
// H.264/H.265 by rtp_nal_depay into Annex B, then GStreamer's parser (`depay`);
// other codecs by GStreamer's depayloader and parser (`depay`).
struct track_in {
  int hub_index = -1;
  int clock_rate = 90000;
  std::unique_ptr<rtp_nal_depay> nal;
  std::unique_ptr<inline_chain> depay;  // nullptr: nal's units go to the hub as they are
  GstCaps* caps = nullptr;              // of those units (no depay)
  GstClockTime last_pts = 0;  // of the previous packet: a unit closed by a new timestamp has it
  bool started = false;  // first RTP timestamp seen
  bool produced = false;  // first access unit pushed
  uint32_t last_ts = 0;
  int64_t ext_ts = 0;       // unwrapped RTP timestamp
  int64_t first_ts = 0;
  GstClockTime base = 0;    // arrival of the first packet, relative to the session start
  gint64 last_arrival_us = 0;
  int64_t frame_step = 0;   // the last forward step of the RTP clock (one frame, usually)
};

}  // namespace

struct rtsp_reader::session final : reader_loop::member {
  std::string url_text;
  hub_ptr hub;
  source_notify_fn notify;
  std::atomic<bool> stopping{false};
  int stop_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  int fd = -1;
  rtsp_url url;
  std::string in;  // bytes read; those from `at` on are not used yet
  size_t at = 0;

  const char* head() const { return in.data() + at; }
  size_t avail() const { return in.size() - at; }
  void consume(size_t n) {
    at += n;
    if (at == in.size()) in.clear(), at = 0;
  }
  // Appends what recv() gave, first dropping what was used (once per read, not per packet).
  void append(const char* data, size_t n) {
    if (at) in.erase(0, at), at = 0;
    in.append(data, n);
  }
  int cseq = 0;
  std::string session_id;
  int session_timeout = 60;
  std::string auth_challenge;  // the last 401's WWW-Authenticate (Digest preferred)
  std::vector<track_in> tracks;  // index = interleaved channel / 2
  gint64 start_us = g_get_monotonic_time();
  gint64 last_media_us = 0;
  gint64 next_keepalive_us = 0;
  std::string aggregate;  // the URL of PLAY, keep-alives and TEARDOWN
  bool announced = false;

  ~session() {
    for (auto& t : tracks)
      if (t.caps) gst_caps_unref(t.caps);
    if (fd >= 0) ::close(fd);
    ::close(stop_fd);
  }

  void fail(const std::string& text) {
    if (!stopping) notify(source_event{source_event::error, text});
  }

  // Waits for `events` on the socket; false on stop or timeout.
  bool wait(short events, int timeout_ms) {
    pollfd fds[2] = {{fd, events, 0}, {stop_fd, POLLIN, 0}};
    int rc;
    do rc = ::poll(fds, 2, timeout_ms);
    while (rc < 0 && errno == EINTR);
    return rc > 0 && !(fds[1].revents & POLLIN) && !stopping;
  }

  bool connect_socket(std::string& error) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    if (int rc = ::getaddrinfo(url.host.c_str(), url.port.c_str(), &hints, &res); rc != 0) {
      error = "cannot resolve " + url.host + ": " + gai_strerror(rc);
      return false;
    }
    for (auto* ai = res; ai && fd < 0; ai = ai->ai_next) {
      fd = ::socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
      if (fd < 0) continue;
      int rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
      int err = 0;
      socklen_t len = sizeof err;
      if (rc != 0 && (errno != EINPROGRESS || !wait(POLLOUT, io_timeout_ms) ||
                      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0)) {
        error = "cannot connect to " + url.host + ":" + url.port + ": " + std::strerror(err ? err : ETIMEDOUT);
        ::close(fd);
        fd = -1;
      }
    }
    ::freeaddrinfo(res);
    if (fd < 0) return false;
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return true;
  }

  std::string authorization(const std::string& method, const std::string& uri) const {
    if (auth_challenge.empty() || url.user.empty()) return {};
    char cnonce[17];
    std::snprintf(cnonce, sizeof cnonce, "%016llx", static_cast<unsigned long long>(std::random_device{}()));
    return rtsp_authorization(auth_challenge, url.user, url.password, method, uri, cnonce);
  }

  bool send_all(const std::string& text) {
    size_t off = 0;
    while (off < text.size()) {
      auto n = ::send(fd, text.data() + off, text.size() - off, MSG_NOSIGNAL);
      if (n > 0) {
        off += size_t(n);
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        if (!wait(POLLOUT, io_timeout_ms)) return false;
      } else if (!(n < 0 && errno == EINTR)) {
        return false;
      }
    }
    return true;
  }

  std::string request_text(const std::string& method, const std::string& uri, const std::vector<std::string>& headers) {
    std::string text = method + " " + uri + " RTSP/1.0\r\nCSeq: " + std::to_string(++cseq) +
                       "\r\nUser-Agent: Switchyard\r\n";
    if (!session_id.empty()) text += "Session: " + session_id + "\r\n";
    auto auth = authorization(method, uri);
    if (!auth.empty()) text += auth + "\r\n";
    for (auto& h : headers) text += h + "\r\n";
    return text + "\r\n";
  }

  bool send_request(const std::string& method, const std::string& uri, const std::vector<std::string>& headers) {
    return send_all(request_text(method, uri, headers));
  }

  // A request that is not waited for (keep-alive, TEARDOWN): never blocks the caller.
  void send_now(const std::string& method) {
    auto text = request_text(method, aggregate, {});
    (void)!::send(fd, text.data(), text.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  }


  // Reads more bytes into `in`; false on close, error, stop or timeout.
  bool read_more(int timeout_ms) {
    if (!wait(POLLIN, timeout_ms)) return false;
    char buf[65536];
    auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
    if (n <= 0) return false;
    append(buf, size_t(n));
    return true;
  }

  // Sends a request and reads its reply (401 once: retried with credentials).
  bool request(const std::string& method, const std::string& uri, const std::vector<std::string>& headers,
               rtsp_reply& reply, std::string& error) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!send_request(method, uri, headers)) return error = method + ": cannot send", false;
      while (true) {
        while (avail() && *head() == '$') {  // media right behind the answer (PLAY)
          auto size = interleaved_frame_size(head(), avail());
          if (!size) break;
          handle_frame(size);
        }
        auto used = !avail() || *head() == '$' ? 0 : parse_rtsp_reply(head(), avail(), reply);
        if (used < 0) return error = method + ": not an RTSP answer", false;
        if (used > 0) {
          consume(size_t(used));
          break;
        }
        if (!read_more(io_timeout_ms)) return error = method + ": no answer", false;
      }
      if (reply.status == 401 && attempt == 0 && !url.user.empty()) {
        auth_challenge.clear();
        for (auto& [k, v] : reply.headers)
          if (strcasecmp(k.c_str(), "WWW-Authenticate") == 0 &&
              (auth_challenge.empty() || v.compare(0, 6, "Digest") == 0))
            auth_challenge = v;
        continue;
      }
      if (reply.status != 200) {
        error = method + ": " + std::to_string(reply.status) + (reply.status == 401 ? " (wrong credentials?)" : "");
        return false;
      }
      return true;
    }
    return false;
  }

  static std::string join(const std::string& base, const std::string& control) {
    if (control.empty() || control == "*") return base;
    if (control.compare(0, 7, "rtsp://") == 0) return control;
    return base + (base.empty() || base.back() == '/' ? "" : "/") + control;
  }

  // One track from the SDP: its depayloader and the control URL; false when unknown.
  bool add_track(const GstSDPMedia* media, std::string& control) {
    if (gst_sdp_media_formats_len(media) == 0) return false;
    int pt = std::atoi(gst_sdp_media_get_format(media, 0));
    GstCaps* caps = gst_sdp_media_get_caps_from_media(media, pt);
    if (!caps) return false;
    auto* st = gst_caps_get_structure(caps, 0);
    gst_structure_set_name(st, "application/x-rtp");
    std::string encoding = gst_structure_get_string(st, "encoding-name") ? gst_structure_get_string(st, "encoding-name") : "";
    for (auto& c : encoding) c = char(std::toupper(uint8_t(c)));
    gst_structure_set(st, "encoding-name", G_TYPE_STRING, encoding.c_str(), nullptr);
    auto* fragment = rtp_depay_fragment(encoding);
    int clock_rate = 0;
    gst_structure_get_int(st, "clock-rate", &clock_rate);
    if (!fragment || clock_rate <= 0) {
      gst_caps_unref(caps);
      return false;
    }
    size_t index = tracks.size();
    tracks.emplace_back();
    auto& t = tracks.back();
    t.clock_rate = clock_rate;
    auto* attr = gst_sdp_media_get_attribute_val(media, "control");
    control = attr ? attr : "";
    auto sets = sdp_parameter_sets(encoding, st);
    GstCaps* avc = encoding == "H264" && sets.size() == 2 ? h264_avc_caps(sets[0], sets[1]) : nullptr;
    t.nal = nal_depay_for(encoding, st, avc ? rtp_nal_depay::framing::length_prefixed : rtp_nal_depay::framing::annex_b);
    if (avc && t.nal) {
      t.caps = avc;
      gst_caps_unref(caps);
      on_caps(index, t.caps);  // known now: the hub's track order is the SDP's
      return true;
    }
    if (avc) gst_caps_unref(avc);
    if (t.nal) {
      gst_caps_unref(caps);
      fragment = nal_parser_fragment(encoding);
      caps = gst_caps_from_string(nal_parser_caps(encoding));
    }
    t.depay = inline_chain::make(
        fragment, [this, index](GstCaps* c) { on_caps(index, c); },
        [this, index](GstBuffer* b) { on_unit(index, b); });
    bool ok = t.depay && t.depay->set_caps(caps);
    gst_caps_unref(caps);
    if (!ok) tracks.pop_back();
    return ok;
  }

  // The SDP's parameter sets of an H.264 (SPS, PPS) or H.265 (VPS, SPS, PPS) track.
  static std::vector<std::string> sdp_parameter_sets(const std::string& encoding, const GstStructure* st) {
    std::vector<std::string> sets;
    auto add = [&](const char* field) {
      auto* v = gst_structure_get_string(st, field);
      for (auto& set : rtp_nal_depay::decode_parameter_sets(v ? v : "")) sets.push_back(set);
    };
    if (encoding == "H264") add("sprop-parameter-sets");
    if (encoding == "H265")
      for (auto* name : {"sprop-vps", "sprop-sps", "sprop-pps"}) add(name);
    return sets;
  }

  // The NAL depayloader of an H.264/H.265 track whose packetization it takes
  // (not interleaved, no DONL), with the SDP's parameter sets; nullptr otherwise.
  static std::unique_ptr<rtp_nal_depay> nal_depay_for(const std::string& encoding, const GstStructure* st,
                                                      rtp_nal_depay::framing framing) {
    auto* mode = gst_structure_get_string(st, "packetization-mode");
    auto* don = gst_structure_get_string(st, "sprop-max-don-diff");
    if (encoding == "H264" && !(mode && std::string(mode) == "2"))
      return std::make_unique<rtp_nal_depay>(rtp_nal_depay::codec::h264, sdp_parameter_sets(encoding, st), framing);
    if (encoding == "H265" && !(don && std::string(don) != "0"))
      return std::make_unique<rtp_nal_depay>(rtp_nal_depay::codec::h265, sdp_parameter_sets(encoding, st), framing);
    return nullptr;
  }

  // A unit of rtp_nal_depay: to the parser, or (avc) straight to the hub, with new
  // caps when the camera changed its parameter sets.
  void on_nal_unit(size_t index, const rtp_nal_depay::unit& u, GstClockTime pts) {
    auto& t = tracks[index];
    auto* unit = gst_buffer_new_allocate(nullptr, u.size, nullptr);
    GstMapInfo map;
    gst_buffer_map(unit, &map, GST_MAP_WRITE);
    u.copy_to(map.data);
    gst_buffer_unmap(unit, &map);
    GST_BUFFER_PTS(unit) = pts;
    if (!u.keyframe) GST_BUFFER_FLAG_SET(unit, GST_BUFFER_FLAG_DELTA_UNIT);
    if (t.depay) {
      t.depay->push(unit);
      return;
    }
    if (u.new_parameter_sets) {
      if (auto* caps = h264_avc_caps(t.nal->sps(), t.nal->pps())) {
        gst_caps_take(&t.caps, caps);
        on_caps(index, t.caps);
      }
    }
    on_unit(index, unit);
  }

  void on_caps(size_t index, GstCaps* caps) {
    auto& t = tracks[index];
    if (t.hub_index < 0) {
      t.hub_index = hub->add_track(caps);
      notify(source_event{source_event::track_added, std::to_string(t.hub_index)});
    } else {
      hub->update_caps(t.hub_index, caps);
    }
  }

  void on_unit(size_t index, GstBuffer* unit) {
    auto& t = tracks[index];
    if (t.hub_index < 0) {
      gst_buffer_unref(unit);
      return;
    }
    hub->push(t.hub_index, unit);
    if (!t.produced) {
      t.produced = true;
      bool all = true;
      for (auto& x : tracks) all = all && x.produced;
      if (all && !announced) {
        announced = true;
        notify(source_event{source_event::tracks_ready, {}});
      }
    }
  }

  // One interleaved frame at the front of `in`: RTP of a track is depayloaded, the
  // rest (RTCP) dropped.
  void handle_frame(size_t size) {
    int channel = uint8_t(head()[1]);
    if (channel % 2 == 0 && size_t(channel / 2) < tracks.size() && size > 4 + 12) {
      auto& t = tracks[size_t(channel / 2)];
      auto* data = reinterpret_cast<const uint8_t*>(head() + 4);
      uint32_t ts = (uint32_t(data[4]) << 24) | (uint32_t(data[5]) << 16) | (uint32_t(data[6]) << 8) | data[7];
      auto now = g_get_monotonic_time();
      if (!t.started) {
        t.started = true;
        t.ext_ts = t.first_ts = ts;
        // A second ahead, so that frames stamped before the first one (B-frames) stay positive.
        t.base = GstClockTime(now - start_us) * GST_USECOND + GST_SECOND;
      } else {
        int64_t step = int32_t(ts - t.last_ts);
        // A camera that restarts its clock (a new encoder session, a server that seeks
        // its shared media when another client plays) jumps its timestamps: beyond a
        // second back or ten ahead, continue from where the clock was by arrival time,
        // as a jitterbuffer would, so that timestamps downstream stay continuous.
        // (At least one usual frame step: the packets right after a jump often come in a burst.)
        if (step < -int64_t(t.clock_rate) || step > 10 * int64_t(t.clock_rate))
          step = std::max((now - t.last_arrival_us) * t.clock_rate / G_USEC_PER_SEC, t.frame_step);
        else if (step > 0)
          t.frame_step = step;
        t.ext_ts += step;
      }
      t.last_ts = ts;
      t.last_arrival_us = now;
      last_media_us = now;
      auto offset = gst_util_uint64_scale_int(uint64_t(std::llabs(t.ext_ts - t.first_ts)), GST_SECOND, t.clock_rate);
      GstClockTime pts = t.ext_ts >= t.first_ts ? t.base + offset : (offset > t.base ? 0 : t.base - offset);
      if (t.nal) {
        size_t index = size_t(channel / 2);
        t.nal->push(data, size - 4, [this, index, ts, pts](const rtp_nal_depay::unit& u) {
          on_nal_unit(index, u, u.rtp_timestamp == ts ? pts : tracks[index].last_pts);
        });
        t.last_pts = pts;
      } else {
        auto* buffer = gst_buffer_new_memdup(data, size - 4);
        GST_BUFFER_PTS(buffer) = pts;
        t.depay->push(buffer);
      }
    }
    consume(size);
  }

  // Connects, authenticates, DESCRIBE, SETUP, PLAY (blocking, on the reader's own
  // short-lived thread). False after reporting why.
  bool setup() {
    std::string error;
    if (!parse_rtsp_url(url_text, url)) return fail("rtsp: bad URL"), false;
    if (!connect_socket(error)) return fail(error), false;
    rtsp_reply reply;
    if (!request("DESCRIBE", url.request, {"Accept: application/sdp"}, reply, error)) return fail(error), false;
    auto base = reply.header("Content-Base");
    if (base.empty()) base = reply.header("Content-Location");
    if (base.empty()) base = url.request;
    GstSDPMessage* sdp = nullptr;
    gst_sdp_message_new(&sdp);
    gst_sdp_message_parse_buffer(reinterpret_cast<const guint8*>(reply.body.data()), guint(reply.body.size()), sdp);
    auto* session_control = gst_sdp_message_get_attribute_val(sdp, "control");
    aggregate = join(base, session_control ? session_control : "");
    std::vector<std::string> controls;
    for (guint i = 0; i < gst_sdp_message_medias_len(sdp); ++i) {
      std::string control;
      if (add_track(gst_sdp_message_get_media(sdp, i), control)) controls.push_back(join(base, control));
    }
    gst_sdp_message_free(sdp);
    if (tracks.empty()) return fail("rtsp: the camera offers no track Switchyard can read"), false;
    for (size_t i = 0; i < controls.size(); ++i) {
      auto transport = "Transport: RTP/AVP/TCP;unicast;interleaved=" + std::to_string(2 * i) + "-" + std::to_string(2 * i + 1);
      if (!request("SETUP", controls[i], {transport}, reply, error)) return fail(error), false;
      auto session = reply.header("Session");
      auto semi = session.find(';');
      if (semi != std::string::npos) {
        auto t = session.find("timeout=", semi);
        if (t != std::string::npos) session_timeout = std::max(5, std::atoi(session.c_str() + t + 8));
        session.resize(semi);
      }
      if (!session.empty()) session_id = session;
    }
    if (!request("PLAY", aggregate, {"Range: npt=0.000-"}, reply, error)) return fail(error), false;
    last_media_us = g_get_monotonic_time();
    next_keepalive_us = last_media_us + gint64(session_timeout) * G_USEC_PER_SEC / 2;
    return drain();
  }

  // Uses every whole interleaved frame and keep-alive answer read so far.
  bool drain() {
    while (avail()) {
      if (*head() == '$') {
        auto size = interleaved_frame_size(head(), avail());
        if (!size) break;
        handle_frame(size);
      } else {
        rtsp_reply ignored;  // a keep-alive's answer
        auto used = parse_rtsp_reply(head(), avail(), ignored);
        if (used < 0) return fail("rtsp: the camera sent something that is not RTSP"), false;
        if (used == 0) break;
        consume(size_t(used));
      }
    }
    return true;
  }

  // The socket is readable (on a reader loop): reads all there is. False once the
  // session has ended (reported).
  int socket() const override { return fd; }

  bool on_readable(char* buf, size_t size) override {
    while (true) {
      auto n = ::recv(fd, buf, size, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
      if (n <= 0) {
        if (!stopping) notify(source_event{source_event::eos, "source ended"});
        return false;
      }
      append(buf, size_t(n));
      if (!drain()) return false;
      if (size_t(n) < size) return true;  // nothing more for now: spare a recv
    }
  }

  // Once a second (on a reader loop): keep-alives and the media timeout.
  bool on_tick(gint64 now) override {
    if (now - last_media_us > media_timeout_us) return fail("rtsp: no media for 10 s"), false;
    if (now >= next_keepalive_us) {
      send_now("GET_PARAMETER");
      next_keepalive_us = now + gint64(session_timeout) * G_USEC_PER_SEC / 2;
    }
    return true;
  }

  void teardown() {
    if (!session_id.empty() && fd >= 0) send_now("TEARDOWN");  // best effort, not awaited
  }
};

rtsp_reader::rtsp_reader(const std::string& url, hub_ptr hub, source_notify_fn notify) : session_(new session) {
  session_->url_text = url;
  session_->hub = std::move(hub);
  session_->notify = std::move(notify);
  session_->hub->begin_epoch();
  // The set-up blocks (connect, DESCRIBE...) on a thread of its own; reading goes to a loop.
  setup_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "rtsp-connect");
    if (!session_->setup() || session_->stopping) return;
    auto& loop = reader_loop::pick();
    std::lock_guard<std::mutex> lock{loop_mutex_};
    if (session_->stopping) return;
    loop_ = &loop;
    loop_id_ = loop.add(session_.get());
  });
}

rtsp_reader::~rtsp_reader() {
  session_->stopping = true;
  uint64_t one = 1;
  (void)!::write(session_->stop_fd, &one, sizeof one);
  setup_.join();
  {
    std::lock_guard<std::mutex> lock{loop_mutex_};
    if (loop_) loop_->remove(loop_id_);
  }
  session_->teardown();
}

}  // namespace sy
