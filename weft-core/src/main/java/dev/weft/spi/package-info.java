/**
 * The narrow interface between Weft's runtime and the backends that run its tasks, split by
 * capability: {@link dev.weft.spi.Scheduler} starts tasks and yields, {@link dev.weft.spi.Parker}
 * parks and wakes them, {@link dev.weft.spi.Clock} tells time and schedules timers.
 *
 * <p>Weft's core reads no clock, parks no thread and starts no thread except through these
 * interfaces, so a backend that controls them controls the whole run.
 */
package dev.weft.spi;
