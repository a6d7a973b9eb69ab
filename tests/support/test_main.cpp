// doctest main shared by every test program: GStreamer is initialised once.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>
#include <gst/gst.h>
#include <signal.h>

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  signal(SIGPIPE, SIG_IGN);
  doctest::Context ctx;
  ctx.applyCommandLine(argc, argv);
  return ctx.run();
}
