package dev.goroscope.bpf.testing;

import dev.goroscope.bpf.BpfException;
import dev.goroscope.bpf.BpfFeatures;
import dev.goroscope.bpf.BpfObject;
import dev.goroscope.bpf.GoroscopeBpf;

/** Child JVM for the privilege test: prints the feature verdict and what a load says. */
public final class FeaturesMain {
  private FeaturesMain() {}

  public static void main(String[] args) {
    System.out.println("cause: " + BpfFeatures.unavailabilityCause().orElse("none"));
    try (BpfObject o = BpfObject.openResource(GoroscopeBpf.RESOURCE)) {
      o.constantNames().forEach(c -> o.setConstant(c, 0));
      o.load();
      System.out.println("load: ok");
    } catch (BpfException e) {
      System.out.println("load: " + e.getMessage());
    }
  }
}
