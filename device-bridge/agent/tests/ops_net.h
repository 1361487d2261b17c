#ifndef EW_OPS_NET_H
#define EW_OPS_NET_H
#include <stddef.h>
#include <stdint.h>
typedef struct ops_net {
  uint8_t *plan;
  size_t plan_len;
  float *input;        /* [1,4,3,5] */
  float want0[48];     /* [1,48] */
  float want1[4];      /* [1,4,1,1] */
} ops_net;
void ops_net_build(uint64_t seed, ops_net *n);
#endif
