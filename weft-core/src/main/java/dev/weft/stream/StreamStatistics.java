package dev.weft.stream;

/**
 * A snapshot of a memory object stream, the same from either side.
 *
 * @param bufferUsed items in the buffer
 * @param maxBufferSize the buffer's capacity; {@link Integer#MAX_VALUE} for an unbounded stream
 * @param openSendStreams send handles (clones included) not yet closed
 * @param openReceiveStreams receive handles (clones included) not yet closed
 * @param tasksWaitingSend tasks blocked in {@code send}
 * @param tasksWaitingReceive tasks blocked in {@code receive}
 */
public record StreamStatistics(
    int bufferUsed,
    int maxBufferSize,
    int openSendStreams,
    int openReceiveStreams,
    int tasksWaitingSend,
    int tasksWaitingReceive) {}
