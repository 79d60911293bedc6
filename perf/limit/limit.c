/*
 * Plain-UDP packet-rate limit of this machine: one sending thread pinned to one core blasts datagrams of the
 * given sizes (cycled) with sendmmsg (batch 32) over loopback to a recvmmsg sink pinned to another core, for a
 * fixed time. Prints one JSON line: {"sent_pps":..,"received_pps":..,"seconds":..,"batch":32,"sizes":N}.
 * The load harness compares the bridge's SRTP egress per core with sent_pps (ratio_to_limit).
 * Usage: limit SECONDS SIZE [SIZE...]   (SIZE 16..1500 bytes; at most 256 sizes)
 * Bounded: the run stops after SECONDS (0.2..30); the sink stops when the sender is done.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 32
#define MAX_SIZES 256
#define MAX_SIZE 1500

static int sizes[MAX_SIZES];
static int size_count;
static double run_seconds;
static atomic_int sender_done;
static atomic_long received;

static double thread_cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void pin(int cpu)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (cpus < 1) {
        return;
    }
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu % cpus, &set);
    /* Best effort: a restricted cpuset still gives a valid, if unpinned, figure. */
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

static void *sink(void *arg)
{
    int fd = *(int *)arg;
    static char buffers[BATCH][2048];
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    pin(1);
    struct timeval tv = {0, 100000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    for (;;) {
        memset(msgs, 0, sizeof msgs);
        for (int i = 0; i < BATCH; i++) {
            iov[i].iov_base = buffers[i];
            iov[i].iov_len = sizeof buffers[i];
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
        }
        int n = recvmmsg(fd, msgs, BATCH, 0, NULL);
        if (n > 0) {
            atomic_fetch_add(&received, n);
        } else if (atomic_load(&sender_done)) {
            return NULL;
        }
    }
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s SECONDS SIZE [SIZE...]\n", argv[0]);
        return 2;
    }
    run_seconds = atof(argv[1]);
    if (run_seconds < 0.2 || run_seconds > 30) {
        fprintf(stderr, "SECONDS must be 0.2..30\n");
        return 2;
    }
    for (int i = 2; i < argc && size_count < MAX_SIZES; i++) {
        int size = atoi(argv[i]);
        if (size < 16 || size > MAX_SIZE) {
            fprintf(stderr, "SIZE must be 16..%d, got %s\n", MAX_SIZE, argv[i]);
            return 2;
        }
        sizes[size_count++] = size;
    }

    int rx = socket(AF_INET, SOCK_DGRAM, 0);
    int tx = socket(AF_INET, SOCK_DGRAM, 0);
    if (rx < 0 || tx < 0) {
        perror("socket");
        return 1;
    }
    int buffer = 8 << 20;
    setsockopt(rx, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
    setsockopt(tx, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (bind(rx, (struct sockaddr *)&addr, sizeof addr) < 0 || getsockname(rx, (struct sockaddr *)&addr, &len) < 0) {
        perror("bind");
        return 1;
    }

    pthread_t thread;
    pthread_create(&thread, NULL, sink, &rx);
    pin(0);

    static char payload[MAX_SIZE];
    memset(payload, 0xab, sizeof payload);
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    long sent = 0;
    int next = 0;
    double start = now_seconds();
    double cpu_start = thread_cpu_seconds();
    double elapsed = 0;
    for (long round = 0;; round++) {
        memset(msgs, 0, sizeof msgs);
        for (int i = 0; i < BATCH; i++) {
            iov[i].iov_base = payload;
            iov[i].iov_len = sizes[next];
            next = (next + 1) % size_count;
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
            msgs[i].msg_hdr.msg_name = &addr;
            msgs[i].msg_hdr.msg_namelen = sizeof addr;
        }
        int n = sendmmsg(tx, msgs, BATCH, 0);
        if (n > 0) {
            sent += n;
        } else if (errno != EAGAIN && errno != ENOBUFS && errno != EINTR) {
            perror("sendmmsg");
            break;
        }
        if ((round & 63) == 0 && (elapsed = now_seconds() - start) >= run_seconds) {
            break;
        }
    }
    elapsed = now_seconds() - start;
    double cpu = thread_cpu_seconds() - cpu_start;
    atomic_store(&sender_done, 1);
    pthread_join(thread, NULL);
    printf("{\"sent_pps\":%.0f,\"sent_pps_per_cpu\":%.0f,\"received_pps\":%.0f,\"seconds\":%.3f,\"sender_cpu_seconds\":%.3f,"
           "\"batch\":%d,\"sizes\":%d}\n",
           sent / elapsed, cpu > 0 ? sent / cpu : 0.0, atomic_load(&received) / elapsed, elapsed, cpu, BATCH, size_count);
    return 0;
}
