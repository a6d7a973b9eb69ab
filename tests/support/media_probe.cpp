#include "tests/support/media_probe.hpp"

#include <cstdio>
#include <regex>

#include "tests/support/process.hpp"

namespace sy::test {

probe_result ffprobe_video(const std::string& url, const std::string& transport) {
  auto [code, out] = run_process({"ffprobe", "-v", "error", "-rtsp_transport", transport, "-select_streams", "v:0",
                                  "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", url},
                                 std::chrono::seconds(30));
  probe_result r;
  r.output = out;
  std::smatch m;
  if (code == 0 && std::regex_search(out, m, std::regex(R"((\w+),(\d+),(\d+))"))) {
    r.ok = true;
    r.codec = m[1];
    r.width = std::stoi(m[2]);
    r.height = std::stoi(m[3]);
  }
  return r;
}

std::pair<int, std::string> ffprobe_entries(const std::string& url, const std::string& entries) {
  return run_process({"ffprobe", "-v", "error", "-rtsp_transport", "tcp", "-show_entries", entries, "-of", "csv=p=0",
                      url},
                     std::chrono::seconds(30));
}

std::pair<int, std::string> first_video_packet_flags(const std::string& url, const std::string& transport) {
  return run_process({"ffprobe", "-v", "error", "-rtsp_transport", transport, "-select_streams", "v:0",
                      "-read_intervals", "%+#1", "-show_entries", "packet=flags", "-of", "csv=p=0", url},
                     std::chrono::seconds(30));
}

std::vector<std::string> ffmpeg_reader_argv(const std::string& url, int seconds, const std::string& transport) {
  // -timeout: a server that never answers fails the reader in 20 s instead of hanging it.
  return {"ffmpeg", "-nostdin", "-hide_banner", "-timeout", "20000000", "-rtsp_transport", transport, "-i", url,
          "-t", std::to_string(seconds), "-map", "0:v:0", "-c", "copy", "-f", "null", "-"};
}

int frames_so_far(const std::string& out) {
  int frames = 0;
  std::regex re(R"(frame=\s*(\d+))");
  for (std::sregex_iterator it(out.begin(), out.end(), re), end; it != end; ++it) frames = std::stoi((*it)[1]);
  return frames;
}

std::pair<int, std::string> ffprobe_count_streams(const std::string& url_or_file) {
  return run_process({"ffprobe", "-v", "error", "-count_frames", "-show_entries",
                      "stream=codec_name,width,height,sample_rate,nb_read_frames", "-of", "csv=p=0", url_or_file},
                     std::chrono::seconds(60));
}

int ffmpeg_count_frames(const std::string& url, int seconds, const std::string& transport, int timeout_s) {
  auto [code, out] = run_process(ffmpeg_reader_argv(url, seconds, transport), std::chrono::seconds(timeout_s));
  if (code == 0) return frames_so_far(out);
  std::fprintf(stderr, "ffmpeg on %s failed (exit %d):\n%s\n", url.c_str(), code, out.c_str());
  return -1;
}

std::pair<int, int> jpeg_size(const std::string& j) {
  size_t i = 2;
  while (i + 9 < j.size()) {
    if (uint8_t(j[i]) != 0xFF) return {0, 0};
    auto marker = uint8_t(j[i + 1]);
    auto len = (uint8_t(j[i + 2]) << 8) | uint8_t(j[i + 3]);
    if (marker == 0xC0 || marker == 0xC1 || marker == 0xC2) {
      int h = (uint8_t(j[i + 5]) << 8) | uint8_t(j[i + 6]);
      int w = (uint8_t(j[i + 7]) << 8) | uint8_t(j[i + 8]);
      return {w, h};
    }
    i += 2 + size_t(len);
  }
  return {0, 0};
}

}  // namespace sy::test
