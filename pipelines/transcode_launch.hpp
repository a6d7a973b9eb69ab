// go2rtc's `ffmpeg:` sources, built in GStreamer (no ffmpeg process): parsing
// `ffmpeg:INPUT#video=..#audio=..#width=..#height=..#rotate=..` and the launch text
// that decodes INPUT and encodes what was asked. Pure.
//
// INPUT is a URL or a file path (decoded by uridecodebin), or another stream's name
// (fed from that stream's hub through appsrc elements named in_video / in_audio; the
// stream actor does the feeding). As in go2rtc: only #video -> no audio, only
// #audio -> no video, neither -> both copied; unknown #options (#query=...) are
// ignored. Encoders (all in Debian's GStreamer, low-latency settings):
//   h264  x264enc speed-preset=superfast tune=zerolatency, GOP 50, High profile
//   h265  x265enc speed-preset=superfast tune=zerolatency, GOP 50
//   mjpeg jpegenc quality=75
//   opus  opusenc (48 kHz; /RATE picks 8000..48000), aac avenc_aac (the input's rate
//         unless /RATE), pcma alawenc / pcmu mulawenc (8000 Hz mono unless /RATE), pcm
//         audioconvert to S16BE (RTP L16, go2rtc's pcm_s16be; 8000 Hz mono unless /RATE)
#pragma once

#include <string>

#include "pipelines/source_launch.hpp"

namespace sy {

struct transcode_spec {
  std::string input;  // after "ffmpeg:", before '#': a URL, a file path or a stream name
  std::string video;  // "" (no video), "copy", "h264", "h265", "mjpeg"
  std::string audio;  // "" (no audio), "copy", "opus", "aac", "pcma", "pcmu", "pcm"
  unsigned audio_rate = 0;  // from "#audio=pcma/16000"; 0: the codec's default
  unsigned width = 0, height = 0;  // 0: keep (or follow the aspect of the other)
  unsigned rotate = 0;             // 0, 90, 180, 270 (clockwise)
};

struct transcode_parse {
  transcode_spec spec;
  std::string error;  // non-empty: the source is refused, with this text
};

/// Parses an `ffmpeg:` source (its scheme already known to be "ffmpeg").
transcode_parse parse_transcode(const source_spec& spec);

/// The stream an `ffmpeg:` source reads, or "" when it reads a URL or a file.
std::string transcode_input_stream(const std::string& source);

/// The stream any source reads in-process: a plain stream name, or the STREAM of
/// ffmpeg:STREAM#...; "" for sources that read a URL or a file.
std::string source_input_stream(const std::string& source);

/// The RTP encoding name ("OPUS", "PCMA", "H264", "JPEG"...) of the `media`
/// ("audio", "video") track an `ffmpeg:` source encodes; "" when it makes none or
/// copies it, or `source` is not a valid ffmpeg: source.
std::string transcode_makes(const std::string& source, const std::string& media);

/// Launch text. From a URL or file: uridecodebin -> branches -> out0 (video), out1
/// (audio). From a stream: appsrc in_video / in_audio -> the same branches.
launch_result transcode_launch(const transcode_spec& spec);

/// The scheme table's builder for "ffmpeg".
launch_result ffmpeg_launch(const source_spec& spec);

}  // namespace sy
