/* Sensors in the agent (run_sensors.c): DeviceInfo.sensors and sampling during a Run. */
#ifndef EW_RUN_SENSORS_H
#define EW_RUN_SENSORS_H
#include "agent.h"
#include "sensors.h"

#ifndef EW_FUZZING
#define EW_MAX_SENSOR_HZ 1000.0
#else
#define EW_MAX_SENSOR_HZ 0.0 /* fuzz builds: no sampling thread, no idle baseline */
#endif
#define EW_MAX_IDLE_BASELINE 60.0

typedef struct run_sensors {
  ew_sensors set;
  ew_sampler sp;
  double t_base, t_idle_end, t_win, t_end;
  size_t sent, samples;
  ew_energy energy;
} run_sensors;

void ew_device_info_sensors(const char *sysfs_root, Edgewise__Bridge__DeviceInfo *info);
void ew_device_info_sensors_free(Edgewise__Bridge__DeviceInfo *info);
/* discovers, starts the thread and sleeps through the idle baseline; NULL when out of memory */
run_sensors *ew_run_sensors_begin(agent *a, const Edgewise__Bridge__Run *r);
void ew_run_sensors_window(run_sensors *rs);  /* just before the first measured iteration */
void ew_run_sensors_flush(agent *a, run_sensors *rs, uint64_t run_id); /* sends new samples */
void ew_run_sensors_end(agent *a, run_sensors *rs, uint64_t run_id, double mean_latency);
void ew_run_sensors_fill(const run_sensors *rs, Edgewise__Bridge__Energy *e);
void ew_run_sensors_free(run_sensors *rs);
#endif
