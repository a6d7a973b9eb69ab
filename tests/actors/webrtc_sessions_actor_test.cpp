// The WebRTC session actors: each answered peer is an actor of its own, named by the
// sessions actor; a session ends on delete, when its peer never shows up (or leaves),
// or when the sessions actor stops, and each end releases the stream's lease. Real
// webrtcbin senders on a real `test:` stream; the only candidate they are given is
// 127.0.0.1's, so no packet leaves the machine.
#include <doctest/doctest.h>

#include "actors/registry_actor.hpp"
#include "actors/stream_client.hpp"
#include "actors/webrtc_session_actor.hpp"
#include "actors/webrtc_sessions_actor.hpp"
#include "tests/support/actor_fixture.hpp"

using namespace sy;
using sy::test::ask;
using sy::test::eventually;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

// A browser's receive-only video offer, as Chromium writes one before its candidates.
const char* video_offer =
    "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
    "a=msid-semantic: WMS\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 102\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n"
    "a=ice-ufrag:8hhY\r\na=ice-pwd:asd88fgpdd777uzjYhagZg4b\r\na=ice-options:trickle\r\n"
    "a=fingerprint:sha-256 "
    "D1:2C:BE:AD:C4:F6:64:5C:25:16:11:9C:AF:E7:0F:73:79:36:4E:9C:1E:15:54:39:0C:06:8B:ED:96:86:00:39\r\n"
    "a=setup:actpass\r\na=mid:0\r\na=recvonly\r\na=rtcp-mux\r\na=rtcp-rsize\r\n"
    "a=rtpmap:102 H264/90000\r\na=rtcp-fb:102 nack\r\na=rtcp-fb:102 nack pli\r\n"
    "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n";

stream_settings quick() {
  stream_settings st;
  st.linger = milliseconds(300);
  st.start_timeout = seconds(8);
  return st;
}

// A registry with stream "cam" (a test pattern), the sessions actor, and viewers.
struct sessions_fixture {
  test::actor_env env;
  registry_actor reg{spawn_registry(env.sys, {quick(), {}})};
  webrtc_sessions_actor sessions{spawn_webrtc_sessions(env.sys)};

  sessions_fixture() {
    REQUIRE(ask<change_ack>(env.calls, reg, caf::put_atom::value,
                            put_request{"cam", {"test:?size=320x240&fps=25"}, origin::api}, deadline{}));
  }
  ~sessions_fixture() {
    caf::anon_send_exit(sessions, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(reg, caf::exit_reason::user_shutdown);
  }

  // A viewer of "cam" answered and handed to a session actor: the session's id.
  std::string open_viewer() {
    auto att = attach_stream(env.calls, reg, "cam", consumer_kind::webrtc);
    REQUIRE(att);
    auto parts = std::make_unique<webrtc_peer_parts>();
    parts->att = *att;
    std::string answer;
    answer_error failed;
    parts->sender = webrtc_sender::answer({att->held.hub}, video_offer, ice_config{}, answer, failed);
    CAPTURE(failed.text);
    REQUIRE(parts->sender);
    CHECK(answer.find("a=rtpmap:102 H264/90000") != std::string::npos);
    auto id = ask<std::string>(env.calls, sessions, caf::put_atom::value,
                               spawn_webrtc_session(env.sys, std::move(parts)));
    REQUIRE(id);
    CHECK(id->size() == 16);
    return *id;
  }

  size_t consumers() {
    auto info = ask<stream_info>(env.calls, reg, caf::get_atom::value, std::string{"cam"});
    REQUIRE(info);
    return info->status.consumers.size();
  }
  bool known(const std::string& id) {
    auto found = ask<bool>(env.calls, sessions, candidate_atom::value, id,
                           std::string{"candidate:1 1 udp 2122260223 127.0.0.1 9 typ host"});
    REQUIRE(found);
    return *found;
  }
};

}  // namespace

TEST_CASE("a WebRTC session takes its peer's candidates and ends on delete, releasing its lease; its id is then unknown") {
  sessions_fixture f;
  auto a = f.open_viewer();
  auto b = f.open_viewer();
  CHECK(a != b);
  CHECK(f.consumers() == 2);
  CHECK(f.known(a));

  auto closed = ask<bool>(f.env.calls, f.sessions, caf::delete_atom::value, a);
  REQUIRE(closed);
  CHECK(*closed);
  CHECK(eventually([&] { return f.consumers() == 1; }, seconds(2)));
  CHECK_FALSE(f.known(a));
  auto again = ask<bool>(f.env.calls, f.sessions, caf::delete_atom::value, a);
  REQUIRE(again);
  CHECK_FALSE(*again);
  CHECK(f.known(b));  // the other viewer is untouched
}

TEST_CASE("a WebRTC session whose peer never connects ends by itself, and the sessions actor forgets it") {
  sessions_fixture f;
  auto id = f.open_viewer();
  CHECK(f.consumers() == 1);
  // No candidate ever answers: the peer counts as gone after the connect time plus
  // the RTCP silence (5 s + 2.5 s).
  CHECK(eventually([&] { return f.consumers() == 0; }, seconds(15)));
  CHECK(eventually([&] { return !f.known(id); }, seconds(1)));
}

TEST_CASE("stopping the sessions actor ends every WebRTC session it holds") {
  sessions_fixture f;
  f.open_viewer();
  f.open_viewer();
  f.open_viewer();
  CHECK(f.consumers() == 3);
  caf::anon_send_exit(f.sessions, caf::exit_reason::user_shutdown);
  CHECK(eventually([&] { return f.consumers() == 0; }, seconds(2)));
}
