/*
 * load_generator: closed-loop Modbus TCP load on libmodbus, for run_bench.py.
 *
 *   load_generator HOST PORT CONNECTIONS SECONDS [MODE [UNIT]]
 *
 * CONNECTIONS threads, each with its own connection (one modbus_t), send FC03 requests back to
 * back for SECONDS: each waits for its reply before the next (what a polling client does), so
 * the rate is bounded by the round trip and the server's work per request. MODE "block5000"
 * (default) reads 0x5000 x 50 every time; "regs12" 0x5000 x 12 (the FC03 12-register
 * reads); "alternate" cycles 0x4000 x 32, 0x5000 x 50 and
 * 0x6000 x 75, the three blocks a full poll reads (§2.2). UNIT defaults to 1.
 *
 * All threads connect first and start together; the time of each request (send to reply
 * parsed, CLOCK_MONOTONIC) is recorded. Prints one JSON line:
 *   {"connections":N,"seconds":D,"mode":"...","requests":R,"errors":E,
 *    "requests_per_s":X,"p50_us":P,"p99_us":Q,"max_us":M}
 * requests counts answered requests (words received); errors counts failed ones (timeouts,
 * exceptions, broken connections), which are not in the latencies. Exit 1 when a connection
 * cannot be opened or nothing was answered, 2 for a bad command line. Each request waits at most
 * 1 s, so a run ends within SECONDS + 1 s (plus the connects, 1 s each at most).
 */
#include <errno.h>
#include <modbus.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { kMaxConnections = 256 };

typedef struct {
  int addr;
  int count;
} Block;

static const Block kBlock5000[] = {{0x5000, 50}};
static const Block kRegs12[] = {{0x5000, 12}};  // the load: FC03 12-register reads
static const Block kAlternate[] = {{0x4000, 32}, {0x5000, 50}, {0x6000, 75}};

typedef struct {
  /* inputs */
  const char* host;
  int port;
  int unit;
  const Block* blocks;
  int block_count;
  double seconds;
  pthread_barrier_t* start;
  /* outputs */
  int connected;
  uint32_t* latencies_ns; /* one per answered request */
  size_t answered;
  size_t capacity;
  uint64_t errors;
} Worker;

static int64_t NowNs(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Appends one latency; returns -1 when memory runs out (the run then stops counting). */
static int Record(Worker* w, int64_t ns) {
  if (w->answered == w->capacity) {
    const size_t capacity = w->capacity == 0 ? 65536 : w->capacity * 2;
    uint32_t* grown = realloc(w->latencies_ns, capacity * sizeof(uint32_t));
    if (grown == NULL) return -1;
    w->latencies_ns = grown;
    w->capacity = capacity;
  }
  w->latencies_ns[w->answered++] = (uint32_t)(ns > UINT32_MAX ? UINT32_MAX : ns);
  return 0;
}

static void* RunWorker(void* arg) {
  Worker* w = arg;
  modbus_t* ctx = modbus_new_tcp(w->host, w->port);
  if (ctx != NULL) {
    modbus_set_slave(ctx, w->unit);
    modbus_set_response_timeout(ctx, 1, 0);
    w->connected = modbus_connect(ctx) == 0;
  }
  /* Everyone waits here, connected or not, so that the main thread's barrier cannot hang. */
  pthread_barrier_wait(w->start);
  if (!w->connected) {
    modbus_free(ctx);
    return NULL;
  }
  uint16_t words[MODBUS_MAX_READ_REGISTERS];
  const int64_t end = NowNs() + (int64_t)(w->seconds * 1e9);
  int next = 0;
  for (int64_t now = NowNs(); now < end;) {
    const Block* b = &w->blocks[next];
    next = (next + 1) % w->block_count;
    const int rc = modbus_read_registers(ctx, b->addr, b->count, words);
    const int64_t done = NowNs();
    if (rc == b->count) {
      if (Record(w, done - now) != 0) break;
    } else {
      ++w->errors;
      /* An exception reply leaves the stream in step; anything else (a late reply, a broken
       * stream) must not be taken for the next reply: start a fresh connection (one try). */
      const int exception =
          errno > MODBUS_ENOBASE && errno <= MODBUS_ENOBASE + MODBUS_EXCEPTION_GATEWAY_TARGET;
      if (!exception) {
        modbus_close(ctx);
        if (modbus_connect(ctx) == -1) break;
      }
    }
    now = done;
  }
  modbus_close(ctx);
  modbus_free(ctx);
  return NULL;
}

static int CompareU32(const void* a, const void* b) {
  const uint32_t x = *(const uint32_t*)a;
  const uint32_t y = *(const uint32_t*)b;
  return (x > y) - (x < y);
}

/* The q-quantile (0..1) of sorted values, nearest rank. */
static double Quantile(const uint32_t* sorted, size_t n, double q) {
  size_t rank = (size_t)(q * (double)n + 0.999999);
  if (rank < 1) rank = 1;
  if (rank > n) rank = n;
  return sorted[rank - 1];
}

int main(int argc, char** argv) {
  if (argc < 5 || argc > 7) {
    fprintf(stderr,
            "usage: load_generator HOST PORT CONNECTIONS SECONDS [block5000|alternate [UNIT]]\n");
    return 2;
  }
  const int connections = atoi(argv[3]);
  const double seconds = atof(argv[4]);
  const char* mode = argc >= 6 ? argv[5] : "block5000";
  const int unit = argc >= 7 ? atoi(argv[6]) : 1;
  const int alternate = strcmp(mode, "alternate") == 0;
  const int regs12 = strcmp(mode, "regs12") == 0;
  if (connections < 1 || connections > kMaxConnections || !(seconds > 0 && seconds <= 3600) ||
      (!alternate && !regs12 && strcmp(mode, "block5000") != 0) || unit < 0 || unit > 255) {
    fprintf(stderr, "load_generator: bad arguments\n");
    return 2;
  }

  static Worker workers[kMaxConnections];
  pthread_t threads[kMaxConnections];
  pthread_barrier_t start;
  pthread_barrier_init(&start, NULL, (unsigned)connections + 1);
  for (int i = 0; i < connections; ++i) {
    workers[i] = (Worker){.host = argv[1],
                          .port = atoi(argv[2]),
                          .unit = unit,
                          .blocks = alternate ? kAlternate
                                    : regs12  ? kRegs12
                                              : kBlock5000,
                          .block_count = alternate ? 3 : 1,
                          .seconds = seconds,
                          .start = &start};
    if (pthread_create(&threads[i], NULL, RunWorker, &workers[i]) != 0) {
      fprintf(stderr, "load_generator: cannot start thread %d\n", i);
      return 1;
    }
  }
  pthread_barrier_wait(&start);
  const int64_t began = NowNs();
  for (int i = 0; i < connections; ++i) pthread_join(threads[i], NULL);
  const double elapsed = (double)(NowNs() - began) * 1e-9;
  pthread_barrier_destroy(&start);

  size_t total = 0;
  uint64_t errors = 0;
  int failed_connects = 0;
  for (int i = 0; i < connections; ++i) {
    total += workers[i].answered;
    errors += workers[i].errors;
    failed_connects += !workers[i].connected;
  }
  if (failed_connects > 0) {
    fprintf(stderr, "load_generator: %d of %d connections to %s:%s failed\n", failed_connects,
            connections, argv[1], argv[2]);
    return 1;
  }
  uint32_t* all = malloc((total > 0 ? total : 1) * sizeof(uint32_t));
  if (all == NULL) return 1;
  size_t n = 0;
  for (int i = 0; i < connections; ++i) {
    memcpy(all + n, workers[i].latencies_ns, workers[i].answered * sizeof(uint32_t));
    n += workers[i].answered;
    free(workers[i].latencies_ns);
  }
  qsort(all, n, sizeof(uint32_t), CompareU32);
  const double p50 = n ? Quantile(all, n, 0.50) / 1000.0 : 0;
  const double p99 = n ? Quantile(all, n, 0.99) / 1000.0 : 0;
  const double max = n ? all[n - 1] / 1000.0 : 0;
  printf(
      "{\"connections\":%d,\"seconds\":%.3f,\"mode\":\"%s\",\"requests\":%zu,\"errors\":%llu,"
      "\"requests_per_s\":%.1f,\"p50_us\":%.1f,\"p99_us\":%.1f,\"max_us\":%.1f}\n",
      connections, elapsed, mode, n, (unsigned long long)errors, (double)n / elapsed, p50, p99,
      max);
  free(all);
  return n > 0 ? 0 : 1;
}
