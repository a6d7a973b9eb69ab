// What a browser's offer asks, what Switchyard answers with, and the sender's launch
// text (parsed by GStreamer).
#include <doctest/doctest.h>

#include "pipelines/parse.hpp"
#include "pipelines/webrtc/webrtc_launch.hpp"
#include "pipelines/webrtc/webrtc_offer.hpp"

using namespace sy;

namespace {

// Chromium's receive-only offer, cut to the lines that matter here (its payload
// types and fmtp as Debian's Chromium sends them).
const char* chrome_offer =
    "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96 102 104 108 39 112\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=recvonly\r\n"
    "a=rtpmap:96 VP8/90000\r\n"
    "a=rtpmap:102 H264/90000\r\na=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f\r\n"
    "a=rtpmap:104 H264/90000\r\na=fmtp:104 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f\r\n"
    "a=rtpmap:108 H264/90000\r\na=fmtp:108 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n"
    "a=rtpmap:39 H264/90000\r\na=fmtp:39 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f\r\n"
    "a=rtpmap:112 H264/90000\r\na=fmtp:112 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=64001f\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111 0 8\r\nc=IN IP4 0.0.0.0\r\na=mid:1\r\na=recvonly\r\n"
    "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\na=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:8 PCMA/8000\r\n";

}  // namespace

TEST_CASE("the offered H.264 payload type of the stream's own profile is chosen, packetization-mode=1 only") {
  struct row {
    const char* profile;
    int payload;
  };
  const row rows[] = {{"42e0", 108}, {"4200", 102}, {"4d00", 39}, {"6400", 112}, {"", 108}, {"f400", 108}};
  for (auto& r : rows) {
    CAPTURE(r.profile);
    auto m = match_offer(chrome_offer, {"H264", "PCMA"}, r.profile);
    REQUIRE(m.error == "");
    REQUIRE(m.media.size() == 2);
    CHECK(m.media[0].kind == "video");
    CHECK(m.media[0].mid == "0");
    CHECK(m.media[0].payload == r.payload);
    CHECK(m.media[0].encoding == "H264");
    CHECK(m.media[0].clock_rate == 90000);
  }
  CHECK(h264_profile_idc("constrained-baseline") == "42e0");
  CHECK(h264_profile_idc("high") == "6400");
  CHECK(h264_profile_idc("high-4:4:4") == "");
}

TEST_CASE("audio passes through when the offer takes the stream's codec; an m-line nothing fits gets none") {
  auto pcma = match_offer(chrome_offer, {"H264", "PCMA"}, "42e0");
  CHECK(pcma.media[1].payload == 8);
  CHECK(pcma.media[1].encoding == "PCMA");
  auto opus = match_offer(chrome_offer, {"OPUS"}, "");
  CHECK(opus.media[0].payload == -1);  // no video in the stream
  CHECK(opus.media[1].payload == 111);
  CHECK(opus.media[1].fmtp == "minptime=10;useinbandfec=1");
  auto aac = match_offer(chrome_offer, {"H264", "MPEG4-GENERIC"}, "");
  CHECK(aac.media[1].payload == -1);  // AAC needs a transcode: not offered by browsers
  CHECK(match_offer("hello", {"H264"}).error == "webrtc: the offer is not SDP with media");
}

TEST_CASE("the sender's launch text: payloader, the offer's payload type, fmtp and profile, one queue per m-line; it parses") {
  auto m = match_offer(chrome_offer, {"H264", "PCMA"}, "42e0");
  auto launch = webrtc_launch(m.media);
  REQUIRE(launch.error == "");
  CHECK(launch.text ==
        "webrtcbin name=wb bundle-policy=max-bundle"
        "  appsrc name=in0 format=time is-live=true do-timestamp=true ! rtph264pay config-interval=-1 "
        "aggregate-mode=zero-latency pt=108 ! application/x-rtp,media=video,encoding-name=H264,payload=108,"
        "clock-rate=90000,level-asymmetry-allowed=(string)1,packetization-mode=(string)1 ! capssetter "
        "caps=application/x-rtp,profile-level-id=(string)42e01f,profile=(string)constrained-baseline ! queue name=pay0"
        "  appsrc name=in1 format=time is-live=true do-timestamp=true ! rtppcmapay pt=8 ! "
        "application/x-rtp,media=audio,encoding-name=PCMA,payload=8,clock-rate=8000 ! queue name=pay1");
  auto parsed = parse_launch(launch.text);
  CHECK(parsed.error == "");
  if (parsed.element) gst_object_unref(parsed.element);
  auto none = webrtc_launch(match_offer(chrome_offer, {"MPEG4-GENERIC"}, "").media);
  CHECK(none.text.empty());
  CHECK(none.error == "webrtc: the offer takes none of the stream's codecs");
}

TEST_CASE("a High-profile stream offered only baseline ids is sent as the offer's profile-level-id (webrtcbin would answer it inactive)") {
  // Firefox's ids: no 64xxxx, so 42e01f is chosen.
  const char* baseline_offer =
      "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 126 97\r\nc=IN IP4 0.0.0.0\r\n"
      "a=mid:0\r\na=recvonly\r\na=rtpmap:126 H264/90000\r\n"
      "a=fmtp:126 profile-level-id=42e01f;level-asymmetry-allowed=1;packetization-mode=1\r\n"
      "a=rtpmap:97 H264/90000\r\na=fmtp:97 profile-level-id=42e01f;level-asymmetry-allowed=1\r\n";
  auto m = match_offer(baseline_offer, {"H264"}, "6400");
  REQUIRE(m.media[0].payload == 126);
  auto launch = webrtc_launch(m.media);
  CHECK(launch.text.find("! capssetter caps=application/x-rtp,profile-level-id=(string)42e01f,"
                         "profile=(string)constrained-baseline ! queue name=pay0") != std::string::npos);
  auto main_offer = std::string{chrome_offer};
  auto pos = main_offer.find("profile-level-id=42e01f");
  main_offer.replace(pos, 23, "profile-level-id=4d001f");
  auto main = webrtc_launch(match_offer(main_offer, {"H264"}, "4d00").media);
  CHECK(main.text.find("profile-level-id=(string)4d001f,profile=(string)main ! queue") != std::string::npos);
  // Audio, or an fmtp without an id, gets no setter.
  CHECK(webrtc_launch(match_offer(chrome_offer, {"PCMA"}, "").media).text.find("capssetter") == std::string::npos);
}

TEST_CASE("transport-wide CC: the offer's extmap id is kept, and the sender's RTP caps ask the payloader and webrtcbin for it") {
  std::string offer = chrome_offer;
  auto video_end = offer.find("m=audio");
  offer.insert(video_end, std::string{"a=extmap:3 "} + twcc_uri + "\r\n");
  auto m = match_offer(offer, {"H264", "PCMA"}, "42e0");
  CHECK(m.media[0].twcc_ext == 3);
  CHECK(m.media[1].twcc_ext == 0);  // the audio m-line did not offer it
  CHECK(match_offer(chrome_offer, {"H264"}, "42e0").media[0].twcc_ext == 0);

  auto launch = webrtc_launch(m.media);
  REQUIRE(launch.error == "");
  CHECK(launch.text.find(std::string{",extmap-3=(string)\""} + twcc_uri + "\",rtcp-fb-transport-cc=(boolean)true ! capssetter") !=
        std::string::npos);
  CHECK(launch.text.find("extmap", launch.text.find("name=in1")) == std::string::npos);
  auto parsed = parse_launch(launch.text);
  REQUIRE(parsed.error == "");
  // The caps GStreamer made of it carry the URI whole.
  auto* pay = gst_bin_get_by_name(GST_BIN(parsed.element), "in0");  // appsrc ! rtph264pay ! capsfilter
  REQUIRE(pay);
  auto* caps_element = pay;
  for (int hop = 0; hop < 2; ++hop) {
    auto* src = gst_element_get_static_pad(caps_element, "src");
    auto* peer = gst_pad_get_peer(src);
    auto* next = gst_pad_get_parent_element(peer);
    gst_object_unref(peer);
    gst_object_unref(src);
    gst_object_unref(caps_element);
    caps_element = next;
  }
  GstCaps* caps = nullptr;
  g_object_get(caps_element, "caps", &caps, nullptr);
  REQUIRE(caps);
  auto* st = gst_caps_get_structure(caps, 0);
  CHECK(std::string{gst_structure_get_string(st, "extmap-3")} == twcc_uri);
  gboolean fb = FALSE;
  CHECK(gst_structure_get_boolean(st, "rtcp-fb-transport-cc", &fb));
  CHECK(fb);
  gst_caps_unref(caps);
  gst_object_unref(caps_element);
  gst_object_unref(parsed.element);

  // Offered on both m-lines, only the audio packets carry it: fewer to stamp, and
  // one stream of them keeps the browser's feedback coming.
  std::string both = offer + "a=extmap:3 " + twcc_uri + "\r\n";
  auto b = match_offer(both, {"H264", "PCMA"}, "42e0");
  CHECK(b.media[1].twcc_ext == 3);
  CHECK(feedback_mline(b.media) == 1);
  auto launch_b = webrtc_launch(b.media);
  auto audio_at = launch_b.text.find("name=in1");
  CHECK(launch_b.text.find("extmap") > audio_at);
  CHECK(launch_b.text.find("extmap", audio_at) != std::string::npos);
  CHECK(feedback_mline(match_offer(chrome_offer, {"H264", "PCMA"}, "42e0").media) == -1);
}

TEST_CASE("a publisher's receiver: webrtcbin out0 when the offer sends H.264, Opus, PCMA or PCMU; the codec caps it asks for") {
  auto m = match_offer(chrome_offer, {"H264", "OPUS", "PCMA", "PCMU"});
  auto launch = webrtc_receive_launch(m.media);
  REQUIRE(launch.error == "");
  CHECK(launch.text == "webrtcbin name=out0 bundle-policy=max-bundle");
  auto parsed = parse_launch(launch.text);
  CHECK(parsed.error == "");
  if (parsed.element) gst_object_unref(parsed.element);
  CHECK(offered_rtp_caps(m.media[1]) ==
        "application/x-rtp,media=audio,encoding-name=OPUS,payload=111,clock-rate=48000,encoding-params=(string)2,"
        "minptime=(string)10,useinbandfec=(string)1");
  auto* caps = gst_caps_from_string(offered_rtp_caps(m.media[0]).c_str());
  CHECK(caps != nullptr);
  if (caps) gst_caps_unref(caps);
  auto vp8_only = webrtc_receive_launch(match_offer(chrome_offer, {"VP8"}).media);
  CHECK(vp8_only.text.empty());
  CHECK(vp8_only.error == "webrtc: the offer sends none of H264, OPUS, PCMA, PCMU");
}

TEST_CASE("an SDP's candidates, as WebSocket candidate messages carry them: once each, no a=, no line end") {
  std::string sdp =
      "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
      "a=candidate:1 1 UDP 2015363327 127.0.0.1 40001 typ host\r\n"
      "a=candidate:2 1 TCP 1015021823 127.0.0.1 9 typ host tcptype active\r\n"
      "m=audio 9 UDP/TLS/RTP/SAVPF 8\r\n"
      "a=candidate:1 1 UDP 2015363327 127.0.0.1 40001 typ host\n"
      "a=end-of-candidates\r\n";
  auto c = sy::sdp_candidates(sdp);
  REQUIRE(c.size() == 2);
  CHECK(c[0] == "candidate:1 1 UDP 2015363327 127.0.0.1 40001 typ host");
  CHECK(c[1] == "candidate:2 1 TCP 1015021823 127.0.0.1 9 typ host tcptype active");
  CHECK(sy::sdp_candidates("v=0\r\n").empty());
}
