/*
 * A stand-in for ffmpeg that costs almost nothing, for running hundreds of supervised processes
 * at once: every `-interval_ms` (500) it writes one ffmpeg 5.1-style progress block, moving
 * forward, to the `-progress pipe:N` fd. On SIGUSR1 it goes silent (a stall) and waits for a
 * signal (SIGTERM ends it). It ends itself after `-max_blocks` blocks and when its parent dies
 * (PR_SET_PDEATHSIG), so a crashed benchmark leaves nothing behind.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t silent = 0;

static void on_usr1(int signal_number) {
  (void)signal_number;
  silent = 1;
}

static long option(int argc, char **argv, const char *name, long fallback) {
  for (int i = 1; i + 1 < argc; i++) if (strcmp(argv[i], name) == 0) return strtol(argv[i + 1], NULL, 10);
  return fallback;
}

static int progress_fd(int argc, char **argv) {
  for (int i = 1; i + 1 < argc; i++) {
    if (strcmp(argv[i], "-progress") == 0 && strncmp(argv[i + 1], "pipe:", 5) == 0) {
      return argv[i + 1][5] ? atoi(argv[i + 1] + 5) : 1;
    }
  }
  return 3;
}

static int write_all(int fd, const char *text, size_t length) {
  while (length > 0) {
    ssize_t written = write(fd, text, length);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return -1;
    text += written;
    length -= (size_t)written;
  }
  return 0;
}

int main(int argc, char **argv) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() == 1) return 1; /* the parent died before prctl */
  signal(SIGPIPE, SIG_IGN);
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = on_usr1; /* no SA_RESTART: nanosleep returns early */
  sigaction(SIGUSR1, &action, NULL);
  int fd = progress_fd(argc, argv);
  long max_blocks = option(argc, argv, "-max_blocks", 3600);
  long interval_ms = option(argc, argv, "-interval_ms", 500);
  struct timespec interval = { interval_ms / 1000, (interval_ms % 1000) * 1000000L };
  char block[512];
  for (long n = 1; n <= max_blocks; n++) {
    if (!silent) nanosleep(&interval, NULL);
    while (silent) pause();
    long frame = n * 12;
    long long out_us = (long long)n * interval_ms * 1000;
    long long size = (long long)n * 250000;
    int end = n == max_blocks;
    int length = snprintf(block, sizeof block,
      "frame=%ld\nfps=25.00\nstream_0_0_q=-1.0\nbitrate=%7.1fkbits/s\ntotal_size=%lld\n"
      "out_time_us=%lld\nout_time_ms=%lld\nout_time=%02lld:%02lld:%02lld.%06lld\n"
      "dup_frames=0\ndrop_frames=0\nspeed=1.00x\nprogress=%s\n",
      frame, size * 8000.0 / (double)out_us, size, out_us, out_us,
      out_us / 3600000000LL, out_us / 60000000LL % 60, out_us / 1000000LL % 60, out_us % 1000000LL,
      end ? "end" : "continue");
    if (write_all(fd, block, (size_t)length) != 0) return 1;
  }
  return 0;
}
