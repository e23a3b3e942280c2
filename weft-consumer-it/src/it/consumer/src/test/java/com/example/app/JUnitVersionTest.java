package com.example.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The consumer build really runs on the JUnit line it was asked to (invoker.properties). */
class JUnitVersionTest {

  @Test
  void runsOnTheRequestedJUnit() {
    assertEquals(System.getProperty("expected.junit.version"),
        Test.class.getPackage().getImplementationVersion());
  }
}
