/**
 * Tasks: {@link dev.weft.task.TaskGroup} starts them and outlives them; {@link
 * dev.weft.task.TaskInfo} describes them.
 *
 * <p>Every Weft task except a run's root task belongs to exactly one task group, and the group's
 * {@code run} returns only when all of its tasks have ended. The tasks of a run therefore form a
 * tree, and so do their cancel scopes: cancelling a scope reaches every task below it.
 */
package dev.weft.task;
