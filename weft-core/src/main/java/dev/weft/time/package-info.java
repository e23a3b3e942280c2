/**
 * Time on the run's clock: {@link dev.weft.time.Deadline} values, and {@link
 * dev.weft.time.Timeouts} that cancel a body when its time runs out.
 *
 * <p>Weft reads time only from the run's backend, never from the system clock directly, so the
 * deterministic backend can run an hour-long timeout in a few milliseconds of real time.
 */
package dev.weft.time;
