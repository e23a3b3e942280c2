/** A Weft backend that runs one task at a time under a seeded schedule with a virtual clock. */
module dev.weft.deterministic {
  requires transitive dev.weft;

  exports dev.weft.deterministic;
}
