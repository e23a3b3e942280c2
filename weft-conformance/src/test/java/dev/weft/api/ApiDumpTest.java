package dev.weft.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Weft;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The API guard sees what users see, and reports any change to it. (Public for its fixture.) */
public class ApiDumpTest {

  /** A fixture with members of every visibility. */
  public static class Sample {
    public Sample() {}

    public void visible() {}

    protected void forSubclasses() {}

    void packagePrivate() {}

    private void hidden() {}

    public static final int CONSTANT = 1;
  }

  @Test
  void dump_listsPublicAndProtectedMembers_andNothingElse() {
    String dump = ApiDump.dump("sample", List.of(Sample.class));

    assertTrue(dump.contains("public void dev.weft.api.ApiDumpTest$Sample.visible()"), dump);
    assertTrue(dump.contains("protected void dev.weft.api.ApiDumpTest$Sample.forSubclasses()"),
        dump);
    assertTrue(dump.contains("public static final int dev.weft.api.ApiDumpTest$Sample.CONSTANT"),
        dump);
    assertFalse(dump.contains("packagePrivate"), dump);
    assertFalse(dump.contains("hidden"), dump);
  }

  @Test
  void aMemberRemovedFromTheModule_isReportedAsAnApiChange() throws IOException {
    String current = ApiDump.ofModuleContaining(Weft.class);
    String line = current.lines()
        .filter(l -> l.startsWith("dev.weft.Weft : ") && l.contains(".run("))
        .findFirst().orElseThrow();
    String recordedWithAnExtraMember = current + line.replace(".run(", ".runTwice(") + "\n";

    assertEquals(List.of("- " + line.replace(".run(", ".runTwice(")),
        ApiDump.diff(recordedWithAnExtraMember, current));
    assertEquals(List.of("+ " + line), ApiDump.diff(current.replace(line + "\n", ""), current));
  }

  @Test
  void internalPackages_areNotPartOfTheApi() throws IOException {
    String dump = ApiDump.ofModuleContaining(Weft.class);

    assertFalse(dump.contains("dev.weft.internal."), "internal types leak into the API");
    assertTrue(dump.contains("dev.weft.cancel.CancelScope : "), dump);
  }
}
