/**
 * Memory object streams: bounded in-process channels between tasks ({@link
 * dev.weft.stream.MemoryStream}), with a send side and a receive side that are closed, cloned and
 * counted on their own.
 *
 * <p>Every item is delivered exactly once or not at all: a send that returns handed its item to
 * one receiver or to the buffer; a send that throws delivered nothing, and the caller still owns
 * the item. {@code send} and {@code receive} are checkpoints; {@code trySend}, {@code tryReceive},
 * {@code close} and {@code clone} are not. The full rules are in {@link
 * dev.weft.stream.MemoryStream} and {@code docs/semantics.md} (section S).
 */
package dev.weft.stream;
