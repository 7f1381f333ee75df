/*
 * modbus_read: an independent Modbus client for the integration tests, built on libmodbus (none
 * of pro380's code). One connection, then one request per item, in order.
 *
 *   modbus_read tcp HOST PORT UNIT ITEM...
 *   modbus_read rtu DEVICE BAUD PARITY UNIT ITEM...      PARITY: E, N or O (8 data bits, 1 stop)
 *
 * ITEM is one of
 *   FC:ADDR:COUNT            FC 3 or 4; ADDR hex (0x optional); COUNT decimal
 *   write:ADDR:WORD[,WORD]   one WORD: FC06, several: FC10; ADDR and WORDs hex
 *
 * Output: one line per item, in item order (the same format as pymodbus_read.py, so a test can
 * compare the two byte for byte):
 *   read        the registers as 4-digit upper-case hex words separated by single spaces
 *   write       "ok"
 *   exception   "exception N" (N decimal), and the next item follows
 *   nothing     "no response" (timeout, bad CRC, wrong unit or transaction), and the next item
 *
 * Exit status: 0 when every item got a reply (data or exception), 3 when some got none, 1 when
 * the connection could not be opened, 2 for a bad command line. Every request waits at most 1 s
 * for its reply, so a run takes at most about 1 s per item plus the connect.
 *
 * Counts outside 1..125 (which libmodbus refuses to send) go out as raw requests, so that the
 * server's own answer to them (exception 03) can be seen.
 */
#include <errno.h>
#include <modbus.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { kExitOk = 0, kExitConnect = 1, kExitUsage = 2, kExitNoResponse = 3 };

static int Usage(void) {
  fprintf(stderr,
          "usage: modbus_read tcp HOST PORT UNIT ITEM...\n"
          "       modbus_read rtu DEVICE BAUD PARITY UNIT ITEM...\n"
          "ITEM:  FC:ADDR:COUNT (FC 3|4, ADDR hex, COUNT decimal)\n"
          "       write:ADDR:WORD[,WORD...] (hex; one word FC06, more FC10)\n");
  return kExitUsage;
}

/* Parses all of `text` as an unsigned number in `base` no greater than `max`; 0 on success. */
static int ParseNumber(const char* text, int base, unsigned long max, unsigned long* out) {
  if (*text == '\0' || *text == '-' || *text == '+') return -1;
  char* end = NULL;
  errno = 0;
  unsigned long value = strtoul(text, &end, base);
  if (errno != 0 || *end != '\0' || value > max) return -1;
  *out = value;
  return 0;
}

static void PrintWords(const uint16_t* words, int count) {
  for (int i = 0; i < count; ++i) printf(i == 0 ? "%04X" : " %04X", words[i]);
  printf("\n");
}

/* Prints the outcome of a failed libmodbus call; returns 1 when it was a Modbus exception (the
 * server answered), 0 when nothing usable came back. */
static int PrintFailure(modbus_t* ctx) {
  const int error = errno;
  if (error > MODBUS_ENOBASE && error <= MODBUS_ENOBASE + MODBUS_EXCEPTION_GATEWAY_TARGET) {
    printf("exception %d\n", error - MODBUS_ENOBASE);
    return 1;
  }
  printf("no response\n");
  fprintf(stderr, "modbus_read: %s\n", modbus_strerror(error));
  /* A late or partial reply must not be taken for the next request's. */
  modbus_flush(ctx);
  return 0;
}

/* A read whose count libmodbus will not send (0 or more than 125): the request built by hand,
 * the reply parsed here. Returns 1 when the server answered, 0 otherwise. */
static int RawRead(modbus_t* ctx, int unit, int fc, unsigned addr, unsigned count) {
  const uint8_t request[6] = {(uint8_t)unit,         (uint8_t)fc,
                              (uint8_t)(addr >> 8),  (uint8_t)(addr & 0xFF),
                              (uint8_t)(count >> 8), (uint8_t)(count & 0xFF)};
  uint8_t reply[MODBUS_MAX_ADU_LENGTH];
  if (modbus_send_raw_request(ctx, request, (int)sizeof request) == -1) return PrintFailure(ctx);
  const int length = modbus_receive_confirmation(ctx, reply);
  if (length == -1) return PrintFailure(ctx);
  const int header = modbus_get_header_length(ctx);
  if (length < header + 2) {
    printf("no response\n");
    return 0;
  }
  if (reply[header] == (fc | 0x80)) {
    printf("exception %d\n", reply[header + 1]);
    return 1;
  }
  /* A normal reply to a count the server should have refused: print what it sent. */
  const int bytes = reply[header + 1];
  uint16_t words[MODBUS_MAX_READ_REGISTERS + 2];
  int n = 0;
  for (int i = 0; i + 1 < bytes && n < (int)(sizeof words / sizeof words[0]); i += 2) {
    words[n++] = (uint16_t)(reply[header + 2 + i] << 8 | reply[header + 3 + i]);
  }
  PrintWords(words, n);
  return 1;
}

/* One parsed ITEM. */
typedef struct {
  int fc; /* 3, 4, or 6 for a write (FC06 or FC10 by the number of words) */
  unsigned addr;
  unsigned count; /* registers read, or words written */
  uint16_t words[MODBUS_MAX_WRITE_REGISTERS];
} Item;

/* Parses one ITEM; 0 on success, -1 when malformed. */
static int ParseItem(const char* text, Item* item) {
  char copy[1024];
  if (strlen(text) >= sizeof copy) return -1;
  strcpy(copy, text);
  char* first = strtok(copy, ":");
  char* second = strtok(NULL, ":");
  char* third = strtok(NULL, ":");
  if (first == NULL || second == NULL || third == NULL || strtok(NULL, ":") != NULL) return -1;
  unsigned long value = 0;
  if (ParseNumber(second, 16, 0xFFFF, &value) != 0) return -1;
  item->addr = (unsigned)value;
  if (strcmp(first, "write") == 0) {
    item->fc = 6;
    item->count = 0;
    for (char* word = strtok(third, ","); word != NULL; word = strtok(NULL, ",")) {
      if (item->count == MODBUS_MAX_WRITE_REGISTERS) return -1;
      if (ParseNumber(word, 16, 0xFFFF, &value) != 0) return -1;
      item->words[item->count++] = (uint16_t)value;
    }
    return item->count == 0 ? -1 : 0;
  }
  if (ParseNumber(first, 10, 255, &value) != 0 || (value != 3 && value != 4)) return -1;
  item->fc = (int)value;
  if (ParseNumber(third, 10, 0xFFFF, &value) != 0) return -1;
  item->count = (unsigned)value;
  return 0;
}

/* Runs one item and prints its line. Returns 1 when the server answered, 0 when not. */
static int RunItem(modbus_t* ctx, int unit, const Item* item) {
  if (item->fc == 6) {
    const int rc = item->count == 1 ? modbus_write_register(ctx, (int)item->addr, item->words[0])
                                    : modbus_write_registers(ctx, (int)item->addr, (int)item->count,
                                                             item->words);
    if (rc == -1) return PrintFailure(ctx);
    printf("ok\n");
    return 1;
  }
  if (item->count < 1 || item->count > MODBUS_MAX_READ_REGISTERS) {
    return RawRead(ctx, unit, item->fc, item->addr, item->count);
  }
  uint16_t words[MODBUS_MAX_READ_REGISTERS];
  const int rc = item->fc == 3
                     ? modbus_read_registers(ctx, (int)item->addr, (int)item->count, words)
                     : modbus_read_input_registers(ctx, (int)item->addr, (int)item->count, words);
  if (rc == -1) return PrintFailure(ctx);
  PrintWords(words, rc);
  return 1;
}

/* Connects, runs every item, disconnects. Returns the exit status. */
static int Run(modbus_t* ctx, int unit, const Item* items, int item_count) {
  /* The slave id goes into every request (the MBAP unit id over TCP). */
  if (modbus_set_slave(ctx, unit) == -1) {
    fprintf(stderr, "modbus_read: unit %d: %s\n", unit, modbus_strerror(errno));
    return kExitUsage;
  }
  /* Bounded waits: 1 s for a reply (also the TCP connect's limit), 0.5 s between its bytes. */
  modbus_set_response_timeout(ctx, 1, 0);
  modbus_set_byte_timeout(ctx, 0, 500000);
  if (modbus_connect(ctx) == -1) {
    fprintf(stderr, "modbus_read: connect: %s\n", modbus_strerror(errno));
    return kExitConnect;
  }
  int status = kExitOk;
  for (int i = 0; i < item_count; ++i) {
    if (RunItem(ctx, unit, &items[i]) == 0) status = kExitNoResponse;
    fflush(stdout);
  }
  modbus_close(ctx);
  return status;
}

int main(int argc, char** argv) {
  const int tcp = argc >= 2 && strcmp(argv[1], "tcp") == 0;
  const int rtu = argc >= 2 && strcmp(argv[1], "rtu") == 0;
  const int first_item = tcp ? 5 : 6;
  if ((!tcp && !rtu) || argc < first_item) return Usage();
  unsigned long port_or_baud = 0;
  unsigned long unit = 0;
  const char* parity = tcp ? "" : argv[4];
  if (ParseNumber(argv[3], 10, tcp ? 65535 : 4000000, &port_or_baud) != 0 ||
      ParseNumber(argv[first_item - 1], 10, tcp ? 255 : 247, &unit) != 0 ||
      (rtu && (strlen(parity) != 1 || strchr("ENO", parity[0]) == NULL))) {
    return Usage();
  }
  /* Every item is checked before anything is sent. */
  const int item_count = argc - first_item;
  Item* items = calloc(item_count > 0 ? (size_t)item_count : 1, sizeof(Item));
  if (items == NULL) return kExitConnect;
  for (int i = 0; i < item_count; ++i) {
    if (ParseItem(argv[first_item + i], &items[i]) != 0) {
      fprintf(stderr, "modbus_read: bad item '%s'\n", argv[first_item + i]);
      free(items);
      return Usage();
    }
  }
  modbus_t* ctx = tcp ? modbus_new_tcp(argv[2], (int)port_or_baud)
                      : modbus_new_rtu(argv[2], (int)port_or_baud, parity[0], 8, 1);
  int status = kExitConnect;
  if (ctx == NULL) {
    fprintf(stderr, "modbus_read: %s\n", modbus_strerror(errno));
  } else {
    status = Run(ctx, (int)unit, items, item_count);
    modbus_free(ctx);
  }
  free(items);
  return status;
}
