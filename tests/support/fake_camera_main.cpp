// Standalone fake camera for e2e tests and benchmarks (a separate process that a
// test can kill and restart). Prints "PORT <n>" once serving; runs until SIGTERM.
// usage: fake_camera [--port N] [--size WxH] [--fps N] [--gop N] [--audio aac|opus|pcmu]
//                    [--clip FILE.h264]  (loop a pre-encoded clip: no encoding cost)
#include <signal.h>

#include <cstdio>
#include <string>

#include "tests/support/fake_camera.hpp"

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  sy::test::camera_options opts;
  int port = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--port") port = std::stoi(v);
    else if (k == "--size") opts.size = v;
    else if (k == "--fps") opts.fps = std::stoi(v);
    else if (k == "--gop") opts.gop = std::stoi(v);
    else if (k == "--audio") opts.audio = v;
    else if (k == "--clip") opts.clip = v;
  }
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  sy::test::fake_camera cam{opts};
  int bound = cam.start(port);
  if (!bound) {
    std::fprintf(stderr, "fake_camera: cannot bind\n");
    return 1;
  }
  std::printf("PORT %d\n", bound);
  std::fflush(stdout);
  int sig = 0;
  sigwait(&set, &sig);
  cam.stop();
  return 0;
}
