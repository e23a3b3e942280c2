/** A JUnit Jupiter extension that runs each test on every Weft backend. */
module dev.weft.junit {
  requires transitive dev.weft;
  requires transitive dev.weft.deterministic;
  requires transitive org.junit.jupiter.api;

  exports dev.weft.junit;
}
