/** A user's module: Weft is required by its module name. */
module com.example.app {
  requires dev.weft;

  exports com.example.app;
}
