#include "pipelines/transcode_launch.hpp"

#include <map>

#include "pipelines/codec_table.hpp"

namespace sy {
namespace {

// Video encoders: go2rtc's choices for ffmpeg (GOP 50, no B-frames, High profile,
// zerolatency) in GStreamer terms; 4:2:0 so that every browser decodes the result.
const std::map<std::string, std::string> video_encoders{
    {"h264", "x264enc speed-preset=superfast tune=zerolatency key-int-max=50 bframes=0 ! "
             "video/x-h264,profile=high ! " + std::string{nal_parser_fragment("H264")}},
    {"h265", "x265enc speed-preset=superfast tune=zerolatency key-int-max=50 ! " +
                 std::string{nal_parser_fragment("H265")}},
    {"mjpeg", "jpegenc quality=75"},
};

struct audio_encoder {
  const char* encoder;
  unsigned default_rate;  // 0: keep the input's
  unsigned channels;      // 0: keep the input's
};
const std::map<std::string, audio_encoder> audio_encoders{
    {"opus", {"opusenc ! opusparse", 48000, 0}},
    {"aac", {"avenc_aac ! aacparse", 0, 0}},
    {"pcma", {"alawenc", 8000, 1}},
    {"pcmu", {"mulawenc", 8000, 1}},
    {"pcm", {"audioconvert ! capsfilter caps=audio/x-raw,format=S16BE,layout=interleaved", 8000, 1}},  // L16, as go2rtc's pcm_s16be
};
const unsigned opus_rates[] = {8000, 12000, 16000, 24000, 48000};

// The appsrc a stream input feeds: live, timestamps as the hub gives them; leaky, so
// an encoder that falls behind never holds the stream it reads.
constexpr const char* fed_input =
    "appsrc name=%s format=time is-live=true leaky-type=downstream max-bytes=8388608 ! queue ! decodebin";

std::string replace_name(const char* fmt, const char* name) {
  std::string s = fmt;
  return s.replace(s.find("%s"), 2, name);
}

bool is_file_path(const std::string& input) { return input.find("://") == std::string::npos; }

std::string file_uri(const std::string& path) {
  if (path.rfind("file:", 0) == 0) return path;
  return "file://" + path;
}

std::string video_branch(const transcode_spec& s, bool paced) {
  if (s.video == "copy") return "queue name=out0";  // video, when asked, is always out0
  std::string caps = "video/x-raw,format=I420,pixel-aspect-ratio=1/1";
  if (s.width) caps += ",width=" + std::to_string(s.width);
  if (s.height) caps += ",height=" + std::to_string(s.height);
  std::string text = "queue ! ";
  if (paced) text += "clocksync ! ";  // a file decodes as fast as it is read: play it in real time
  text += "videoconvert ! ";
  // video-direction, not the deprecated method, which 1.22 leaves unapplied in a launch line
  if (s.rotate == 90) text += "videoflip video-direction=90r ! ";
  if (s.rotate == 180) text += "videoflip video-direction=180 ! ";
  if (s.rotate == 270) text += "videoflip video-direction=90l ! ";
  text += "videoscale ! " + caps + " ! " + video_encoders.at(s.video) + " name=out0";
  return text;
}

// Outputs are numbered from out0: audio is out1 after a video branch, else out0.
std::string audio_branch(const transcode_spec& s, bool paced) {
  std::string out = s.video.empty() ? " name=out0" : " name=out1";
  if (s.audio == "copy") return "queue" + out;
  auto& enc = audio_encoders.at(s.audio);
  std::string caps = "audio/x-raw";
  unsigned rate = s.audio_rate ? s.audio_rate : enc.default_rate;
  if (rate) caps += ",rate=" + std::to_string(rate);
  if (enc.channels) caps += ",channels=" + std::to_string(enc.channels);
  std::string text = "queue ! ";
  if (paced) text += "clocksync ! ";
  return text + "audioconvert ! audioresample ! " + caps + " ! " + enc.encoder + out;
}

transcode_parse ffmpeg_parse_error(const std::string& text) { return {{}, "ffmpeg: " + text}; }

}  // namespace

transcode_parse parse_transcode(const source_spec& spec) {
  transcode_parse out;
  auto& s = out.spec;
  s.input = spec.url.substr(spec.url.find(':') + 1);
  if (s.input.empty()) return ffmpeg_parse_error("no input (ffmpeg:URL, ffmpeg:FILE or ffmpeg:STREAM)");
  auto opt = [&](const char* key) {
    auto it = spec.options.find(key);
    return it == spec.options.end() ? std::string{} : it->second;
  };
  bool has_video = spec.options.count("video"), has_audio = spec.options.count("audio");
  s.video = has_video ? opt("video") : has_audio ? "" : "copy";
  s.audio = has_audio ? opt("audio") : has_video ? "" : "copy";
  if (has_video && s.video != "copy" && !video_encoders.count(s.video))
    return ffmpeg_parse_error("unknown #video=" + s.video + " (h264, h265, mjpeg or copy)");
  if (has_audio && s.audio != "copy") {
    auto slash = s.audio.find('/');
    if (slash != std::string::npos) {
      if (!parse_bounded_uint(s.audio.substr(slash + 1), 8000, 48000, s.audio_rate))
        return ffmpeg_parse_error("#audio=" + s.audio + ": the rate must be 8000..48000");
      s.audio.resize(slash);
    }
    if (!audio_encoders.count(s.audio))
      return ffmpeg_parse_error("unknown #audio=" + s.audio + " (opus, aac, pcma, pcmu, pcm or copy)");
    if (s.audio == "opus" && s.audio_rate) {
      bool ok = false;
      for (auto r : opus_rates) ok = ok || r == s.audio_rate;
      if (!ok) return ffmpeg_parse_error("#audio=opus/RATE: the rate must be 8000, 12000, 16000, 24000 or 48000");
    }
  }
  if (spec.options.count("width") && !parse_bounded_uint(opt("width"), 16, 7680, s.width))
    return ffmpeg_parse_error("#width must be 16..7680");
  if (spec.options.count("height") && !parse_bounded_uint(opt("height"), 16, 4320, s.height))
    return ffmpeg_parse_error("#height must be 16..4320");
  if (spec.options.count("rotate")) {
    auto r = opt("rotate");
    s.rotate = r == "90" ? 90 : r == "180" ? 180 : r == "270" || r == "-90" ? 270 : 1;
    if (s.rotate == 1) return ffmpeg_parse_error("#rotate must be 90, 180, 270 or -90");
  }
  bool scales = s.width || s.height || s.rotate;
  if (scales && (s.video.empty() || s.video == "copy"))
    return ffmpeg_parse_error("#width, #height and #rotate need #video=h264, h265 or mjpeg");
  return out;
}

std::string transcode_input_stream(const std::string& source) {
  auto spec = parse_source(source);
  if (spec.scheme != "ffmpeg") return {};
  auto input = spec.url.substr(spec.url.find(':') + 1);
  return is_stream_reference(input) ? input : std::string{};
}

std::string transcode_makes(const std::string& source, const std::string& media) {
  auto spec = parse_source(source);
  if (spec.scheme != "ffmpeg") return {};
  auto parsed = parse_transcode(spec);
  if (!parsed.error.empty()) return {};
  static const std::map<std::string, std::string> names = {
      {"h264", "H264"}, {"h265", "H265"}, {"mjpeg", "JPEG"},
      {"opus", "OPUS"}, {"aac", "MPEG4-GENERIC"}, {"pcma", "PCMA"}, {"pcmu", "PCMU"}, {"pcm", "L16"}};
  const std::string none, &codec = media == "audio" ? parsed.spec.audio : media == "video" ? parsed.spec.video : none;
  auto it = names.find(codec);
  return it == names.end() ? std::string{} : it->second;
}

std::string source_input_stream(const std::string& source) {
  return is_stream_reference(source) ? source : transcode_input_stream(source);
}

launch_result transcode_launch(const transcode_spec& s) {
  std::string text;
  if (is_stream_reference(s.input)) {
    // Copied tracks skip the decoder: the hub's elementary stream goes straight out.
    if (!s.video.empty())
      text += s.video == "copy" ? "appsrc name=in_video format=time is-live=true ! " + video_branch(s, false)
                                : replace_name(fed_input, "in_video") + " ! " + video_branch(s, false);
    if (!s.audio.empty()) {
      if (!text.empty()) text += "  ";
      text += s.audio == "copy" ? "appsrc name=in_audio format=time is-live=true ! " + audio_branch(s, false)
                                : replace_name(fed_input, "in_audio") + " ! " + audio_branch(s, false);
    }
    return {text, {}};
  }
  if (s.video == "copy" || s.audio == "copy") {
    if (s.video == "copy" && s.audio == "copy")
      return {{}, "ffmpeg: nothing to transcode: use " + s.input + " itself as the source"};
    return {{}, "ffmpeg: #video=copy and #audio=copy need a stream as input (ffmpeg:STREAM#...)"};
  }
  auto input = parse_source(s.input);
  if (input.scheme == "rtsp" || input.scheme == "rtsps") {
    // The source's own rtspsrc (TCP, no jitter delay), one decoder per media kind.
    auto src = rtspsrc_launch(input, "in");
    if (src.text.empty()) return src;
    text = src.text;
    if (!s.video.empty()) text += "  in. ! application/x-rtp,media=video ! decodebin ! " + video_branch(s, false);
    if (!s.audio.empty()) text += "  in. ! application/x-rtp,media=audio ! decodebin ! " + audio_branch(s, false);
    return {text, {}};
  }
  bool paced = is_file_path(s.input);
  auto uri = paced ? file_uri(s.input) : s.input;
  text = "uridecodebin name=in uri=" + quote_launch_value(uri);
  if (!s.video.empty()) text += "  in. ! video/x-raw ! " + video_branch(s, paced);
  if (!s.audio.empty()) text += "  in. ! audio/x-raw ! " + audio_branch(s, paced);
  return {text, {}};
}

launch_result ffmpeg_launch(const source_spec& spec) {
  auto parsed = parse_transcode(spec);
  if (!parsed.error.empty()) return {{}, parsed.error};
  return transcode_launch(parsed.spec);
}

}  // namespace sy
