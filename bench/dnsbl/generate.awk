# Writes LISTED (one random IPv4 address per line, N distinct, deterministic by SEED) and
# QUERIES (dnsperf input: Q queries under ZONE, half for listed addresses, half for random
# addresses that are not listed). Usage:
#   awk -v N=1000000 -v Q=200000 -v SEED=5782 -v ZONE=bl.bench.test \
#       -v LISTED=listed.txt -v QUERIES=queries.txt -f generate.awk
BEGIN {
  srand(SEED)
  n = 0
  while (n < N) {
    a = int(rand() * 223) + 1; b = int(rand() * 256); c = int(rand() * 256); d = int(rand() * 256)
    if (a == 127 || a == 10) continue
    ip = a "." b "." c "." d
    if (ip in seen) continue
    seen[ip] = 1
    list[n++] = ip
    print ip > LISTED
  }
  for (i = 0; i < Q; i++) {
    if (i % 2 == 0) {
      split(list[int(rand() * N)], o, ".")
    } else {
      do {
        o[1] = int(rand() * 223) + 1; o[2] = int(rand() * 256); o[3] = int(rand() * 256); o[4] = int(rand() * 256)
      } while ((o[1] "." o[2] "." o[3] "." o[4]) in seen || o[1] == 127)
    }
    print o[4] "." o[3] "." o[2] "." o[1] "." ZONE " A" > QUERIES
  }
}
