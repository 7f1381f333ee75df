/*
 * reference_server: the peer pro380's Modbus TCP server is measured against (run_bench.py), and
 * a stand-in server for developing the integration tests before pro380 spoke Modbus TCP. Built on
 * libmodbus only; nothing of pro380.
 *
 *   reference_server HOST PORT [STOP_AFTER_SECONDS]
 *
 * Serves the three blocks of the PRO380's protocol 3.2 map as libmodbus mappings (FC03 and FC04
 * read the same words; FC06/FC10 write them): 0x4000..0x401F, 0x5000..0x5031, 0x6000..0x604A.
 * Their words are fixed at start: the values a pro380 fed `const:P1=5000,P2=5000,P3=-12000`
 * shows (serial 22091039, 230 V, 50 Hz, 5/5/-12 kW), energies zero. A request is answered by the
 * block holding its start address; one that leaves its block, or starts in none, gets exception
 * 02 (libmodbus's range check); a count outside 1..125 gets 03.
 *
 * Unit id: libmodbus's TCP server answers every unit id, a meter answers only its own. This one
 * answers only the id in 0x4003 (initially 1) and stays silent for others; a write to 0x4003 is
 * answered from the old id and applies from the next request, as the PRO380 does.
 *
 * One thread, one select() loop over the listening socket and every client (the shape of
 * libmodbus's tests/bandwidth-server-many-up.c): a readable client is handed to modbus_receive()
 * and modbus_reply(). It prints "listening HOST PORT" once the socket listens, and exits 0 on
 * SIGTERM or SIGINT, or after STOP_AFTER_SECONDS (default 600) so a forgotten server ends.
 * PORT 0 takes a free port from the kernel; the "listening" line names it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <modbus.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* The served blocks: start address and number of registers (§1.3-§1.5 of the protocol notes). */
enum { kBlockCount = 3 };
static const int kBlockStart[kBlockCount] = {0x4000, 0x5000, 0x6000};
static const int kBlockSize[kBlockCount] = {0x20, 0x32, 0x4B};

enum { kIdRegister = 0x4003 };

static volatile sig_atomic_t stop_requested = 0;

static void OnSignal(int signal_number) {
  (void)signal_number;
  stop_requested = 1;
}

/* Sets one word in both tables (holding and input) of the block that holds `addr`. */
static void SetWord(modbus_mapping_t* blocks[], int addr, uint16_t value) {
  for (int b = 0; b < kBlockCount; ++b) {
    if (addr >= kBlockStart[b] && addr < kBlockStart[b] + kBlockSize[b]) {
      blocks[b]->tab_registers[addr - kBlockStart[b]] = value;
      blocks[b]->tab_input_registers[addr - kBlockStart[b]] = value;
      return;
    }
  }
}

/* A float as the meter sends it: IEEE-754 single, high word first ("ABCD"). */
static void SetFloat(modbus_mapping_t* blocks[], int addr, float value) {
  uint32_t bits = 0;
  memcpy(&bits, &value, sizeof bits);
  SetWord(blocks, addr, (uint16_t)(bits >> 16));
  SetWord(blocks, addr + 1, (uint16_t)(bits & 0xFFFF));
}

/* The words of a direct PRO380-Mod with the default settings, fed L1 +5 kW, L2 +5 kW, L3 -12 kW
 * at 230 V, 50 Hz, no reactive power: every word of the info and measurement blocks as pro380
 * serves them for that load (compared word by word), the energies left at zero. */
static void FillMeterWords(modbus_mapping_t* blocks[]) {
  SetWord(blocks, 0x4000, 0x2209); /* serial 22091039, bcd32 */
  SetWord(blocks, 0x4001, 0x1039);
  SetWord(blocks, 0x4002, 0x0102); /* meter code: direct */
  SetWord(blocks, 0x4003, 1);      /* ID */
  SetWord(blocks, 0x4004, 9600);   /* baud */
  SetFloat(blocks, 0x4005, 3.2f);  /* protocol, software, hardware version */
  SetFloat(blocks, 0x4007, 2.18f);
  SetFloat(blocks, 0x4009, 1.32f);
  SetWord(blocks, 0x400B, 100);      /* meter amps */
  SetFloat(blocks, 0x400D, 1000.0f); /* S0 rate */
  SetWord(blocks, 0x400F, 1);        /* combined code */
  SetWord(blocks, 0x4010, 0x0010);   /* LCD cycle time 10 s, bcd16 */
  SetWord(blocks, 0x4011, 1);        /* parity even */
  SetWord(blocks, 0x4012, 0x3146);   /* "1F" "2F" "3R" */
  SetWord(blocks, 0x4013, 0x3246);
  SetWord(blocks, 0x4014, 0x3352);
  SetWord(blocks, 0x4016, 1); /* power-down counter */
  SetWord(blocks, 0x4017, 2); /* quadrants: total II (P < 0), L1 I, L2 I, L3 II */
  SetWord(blocks, 0x4018, 1);
  SetWord(blocks, 0x4019, 1);
  SetWord(blocks, 0x401A, 2);
  SetWord(blocks, 0x401B, 0x0D01);
  SetWord(blocks, 0x401C, 0x2D35); /* checksum */
  SetWord(blocks, 0x401D, 0x0011);
  SetWord(blocks, 0x401E, 0x0111); /* status word */
  SetWord(blocks, 0x401F, 5);      /* CT mode */

  static const float kPower[3] = {5.0f, 5.0f, -12.0f};
  static const float kCurrent[3] = {21.74f, 21.74f, -52.17f}; /* S / U to 0.01 A, signed like P */
  for (int phase = 0; phase < 3; ++phase) {
    SetFloat(blocks, 0x5002 + 2 * phase, 230.0f);
    SetFloat(blocks, 0x500C + 2 * phase, kCurrent[phase]);
    SetFloat(blocks, 0x5014 + 2 * phase, kPower[phase]);
    SetFloat(blocks, 0x5024 + 2 * phase, kPower[phase] < 0 ? -kPower[phase] : kPower[phase]);
    SetFloat(blocks, 0x502C + 2 * phase, 1.0f);
  }
  SetFloat(blocks, 0x5008, 50.0f);
  SetFloat(blocks, 0x5012, -2.0f);
  SetFloat(blocks, 0x5022, 22.0f);
  SetFloat(blocks, 0x502A, -1.0f);
  SetWord(blocks, 0x6048, 1); /* tariff T1 */
}

/* The block holding the request's start address, else the first block (whose range check then
 * answers exception 02). */
static modbus_mapping_t* BlockFor(modbus_mapping_t* blocks[], int addr) {
  for (int b = 0; b < kBlockCount; ++b) {
    if (addr >= kBlockStart[b] && addr < kBlockStart[b] + kBlockSize[b]) return blocks[b];
  }
  return blocks[0];
}

static double Now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Serves one readable client; returns -1 when the connection is to be closed. */
static int ServeClient(modbus_t* ctx, modbus_mapping_t* blocks[], int fd) {
  uint8_t query[MODBUS_TCP_MAX_ADU_LENGTH];
  modbus_set_socket(ctx, fd);
  const int length = modbus_receive(ctx, query);
  if (length == -1) return -1;
  if (length == 0) return 0; /* ignored by libmodbus itself */
  const int header = modbus_get_header_length(ctx);
  const int unit = query[header - 1];
  uint16_t* id = &blocks[0]->tab_registers[kIdRegister - kBlockStart[0]];
  if (unit != *id) return 0; /* not ours: a meter stays silent */
  const int function = query[header];
  const int addr = length >= header + 3 ? query[header + 1] << 8 | query[header + 2] : 0;
  const uint16_t old_id = *id;
  modbus_mapping_t* block = BlockFor(blocks, addr);
  if (modbus_reply(ctx, query, length, block) == -1) return -1;
  if (function == MODBUS_FC_WRITE_SINGLE_REGISTER ||
      function == MODBUS_FC_WRITE_MULTIPLE_REGISTERS) {
    /* Keep FC04's table equal to FC03's (libmodbus writes only the holding table), and keep the
     * id answered so far when the new one is not a unit id. */
    memcpy(block->tab_input_registers, block->tab_registers,
           (size_t)block->nb_registers * sizeof(uint16_t));
    if (*id < 1 || *id > 247) *id = old_id;
  }
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    fprintf(stderr, "usage: reference_server HOST PORT [STOP_AFTER_SECONDS]\n");
    return 2;
  }
  const double stop_after = argc == 4 ? atof(argv[3]) : 600.0;
  modbus_mapping_t* blocks[kBlockCount];
  for (int b = 0; b < kBlockCount; ++b) {
    blocks[b] = modbus_mapping_new_start_address(0, 0, 0, 0, kBlockStart[b], kBlockSize[b],
                                                 kBlockStart[b], kBlockSize[b]);
    if (blocks[b] == NULL) {
      fprintf(stderr, "reference_server: mapping: %s\n", modbus_strerror(errno));
      return 1;
    }
  }
  FillMeterWords(blocks);

  modbus_t* ctx = modbus_new_tcp(argv[1], atoi(argv[2]));
  if (ctx == NULL) {
    fprintf(stderr, "reference_server: %s\n", modbus_strerror(errno));
    return 1;
  }
  const int listener = modbus_tcp_listen(ctx, 64);
  if (listener == -1) {
    fprintf(stderr, "reference_server: listen %s:%s: %s\n", argv[1], argv[2],
            modbus_strerror(errno));
    return 1;
  }
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = OnSignal;
  sigaction(SIGTERM, &action, NULL);
  sigaction(SIGINT, &action, NULL);
  signal(SIGPIPE, SIG_IGN); /* a client gone mid-reply is a failed send, not a dead server */
  /* PORT 0 lets the kernel pick a free port; the line names the one in use. */
  struct sockaddr_in bound;
  socklen_t bound_size = sizeof bound;
  if (getsockname(listener, (struct sockaddr*)&bound, &bound_size) == -1) {
    perror("reference_server: getsockname");
    return 1;
  }
  printf("listening %s %d\n", argv[1], ntohs(bound.sin_port));
  fflush(stdout);

  fd_set clients;
  FD_ZERO(&clients);
  FD_SET(listener, &clients);
  int max_fd = listener;
  const double deadline = Now() + stop_after;
  while (!stop_requested && Now() < deadline) {
    fd_set readable = clients;
    /* Wake at least every 200 ms to see the deadline. */
    struct timeval tick = {0, 200000};
    const int ready = select(max_fd + 1, &readable, NULL, NULL, &tick);
    if (ready == -1) {
      if (errno == EINTR) continue;
      perror("reference_server: select");
      break;
    }
    for (int fd = 0; fd <= max_fd && ready > 0; ++fd) {
      if (!FD_ISSET(fd, &readable)) continue;
      if (fd == listener) {
        const int client = accept(listener, NULL, NULL);
        if (client == -1) continue;
        if (client >= FD_SETSIZE) { /* select() cannot watch it */
          close(client);
          continue;
        }
        const int one = 1;
        setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        FD_SET(client, &clients);
        if (client > max_fd) max_fd = client;
      } else if (ServeClient(ctx, blocks, fd) == -1) {
        close(fd);
        FD_CLR(fd, &clients);
      }
    }
  }

  for (int fd = 0; fd <= max_fd; ++fd) {
    if (FD_ISSET(fd, &clients)) close(fd);
  }
  modbus_free(ctx);
  for (int b = 0; b < kBlockCount; ++b) modbus_mapping_free(blocks[b]);
  return 0;
}
