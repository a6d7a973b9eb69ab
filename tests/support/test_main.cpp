// doctest main shared by every test program: GStreamer is initialised once.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>
#include <gst/gst.h>
#include <signal.h>

#include <cstdio>

namespace sy::test {
int sanitizer_reports();
}

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  signal(SIGPIPE, SIG_IGN);
  doctest::Context ctx;
  ctx.applyCommandLine(argc, argv);
  int code = ctx.run();
  if (sy::test::sanitizer_reports() > 0) {
    std::fprintf(stderr, "FAILED: %d daemon(s) under test printed sanitizer reports\n", sy::test::sanitizer_reports());
    return code ? code : 1;
  }
  return code;
}
