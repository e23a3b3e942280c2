/**
 * A JUnit Jupiter extension for code that uses Weft: {@link dev.weft.junit.WeftTest} runs a test
 * on every backend (virtual threads, platform threads, deterministic seeds), and {@link
 * dev.weft.junit.Runs} runs a program and checks that no task outlived it.
 */
package dev.weft.junit;
