package dev.weft.internal.core;

import dev.weft.task.TaskDump;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanException;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.ObjectName;
import javax.management.ReflectionException;

/**
 * The JMX face of {@link TaskDump} (semantics O3): {@code dev.weft:type=TaskDump}, registered on
 * the platform MBean server by the JVM's first run. A dynamic MBean, so that no interface of it is
 * public API; its operations are {@code text()}, {@code json()} and {@code writeTo(path)}, its
 * attributes {@code LiveRuns} and {@code LiveTasks}.
 */
final class TaskDumpMBean implements DynamicMBean {

  static final String NAME = "dev.weft:type=TaskDump";
  private static final AtomicBoolean REGISTERED = new AtomicBoolean();

  private TaskDumpMBean() {}

  /** Registers the MBean once per JVM; a JVM where that fails runs on without it. */
  static void registerOnce() {
    if (REGISTERED.get() || !REGISTERED.compareAndSet(false, true)) {
      return;
    }
    try {
      ManagementFactory.getPlatformMBeanServer()
          .registerMBean(new TaskDumpMBean(), new ObjectName(NAME));
    } catch (Throwable t) { // no MBean server, a security policy, a name taken: no MBean
      System.getLogger("dev.weft").log(System.Logger.Level.DEBUG,
          "Weft's TaskDump MBean was not registered", t);
    }
  }

  @Override
  public Object getAttribute(String attribute) throws AttributeNotFoundException {
    return switch (attribute) {
      case "LiveRuns" -> Runner.liveRuns().size();
      case "LiveTasks" -> Runner.liveRuns().stream().mapToInt(r -> r.liveTasks().size()).sum();
      default -> throw new AttributeNotFoundException(attribute + " (there are LiveRuns and"
          + " LiveTasks)");
    };
  }

  @Override
  public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
    throw new AttributeNotFoundException(attribute.getName() + " is read-only");
  }

  @Override
  public AttributeList getAttributes(String[] attributes) {
    AttributeList list = new AttributeList();
    for (String name : attributes) {
      try {
        list.add(new Attribute(name, getAttribute(name)));
      } catch (AttributeNotFoundException e) {
        // left out, as the JMX contract says
      }
    }
    return list;
  }

  @Override
  public AttributeList setAttributes(AttributeList attributes) {
    return new AttributeList();
  }

  @Override
  public Object invoke(String actionName, Object[] params, String[] signature)
      throws MBeanException, ReflectionException {
    int count = params == null ? 0 : params.length;
    switch (actionName) {
      case "text":
        return TaskDump.capture().toString();
      case "json":
        return TaskDump.capture().toJson();
      case "writeTo":
        if (count != 1 || !(params[0] instanceof String path)) {
          throw new ReflectionException(new IllegalArgumentException(
              "writeTo takes one argument, the file's path"));
        }
        try {
          Path file = Path.of(path).toAbsolutePath();
          Files.writeString(file, TaskDump.capture().toString());
          return file.toString();
        } catch (IOException | RuntimeException e) {
          throw new MBeanException(new IOException("cannot write the task dump to " + path
              + ": " + e, e));
        }
      default:
        throw new ReflectionException(new NoSuchMethodException(actionName
            + " (the operations are text, json and writeTo)"));
    }
  }

  @Override
  public MBeanInfo getMBeanInfo() {
    return new MBeanInfo(TaskDumpMBean.class.getName(),
        "Weft: the task tree of every live run (what each task waits on, its scopes)",
        new MBeanAttributeInfo[] {
          new MBeanAttributeInfo("LiveRuns", "int", "runs now live", true, false, false),
          new MBeanAttributeInfo("LiveTasks", "int", "tasks now live, over all runs", true,
              false, false),
        },
        null,
        new MBeanOperationInfo[] {
          new MBeanOperationInfo("text", "the task dump as text", new MBeanParameterInfo[0],
              "java.lang.String", MBeanOperationInfo.INFO),
          new MBeanOperationInfo("json", "the task dump as JSON", new MBeanParameterInfo[0],
              "java.lang.String", MBeanOperationInfo.INFO),
          new MBeanOperationInfo("writeTo", "writes the text dump to a file; returns its path",
              new MBeanParameterInfo[] {
                new MBeanParameterInfo("path", "java.lang.String", "the file to write")
              }, "java.lang.String", MBeanOperationInfo.ACTION),
        },
        null);
  }
}
