package com.fruits.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CpuInfoTest {
  @Test
  void readsTheModelAndTheVectorExtensionsOnly() {
    String cpuinfo = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC\n"
        + "flags\t\t: fpu vme sse sse2 sse4_2 avx avx2 fma avx512f avx512_vnni avx_vnni aes\n\n"
        + "processor\t: 1\nmodel name\t: AMD EPYC\nflags\t\t: fpu avx2\n";
    CpuInfo cpu = CpuInfo.parse(cpuinfo, 2);
    assertThat(cpu.model()).isEqualTo("AMD EPYC");
    assertThat(cpu.vectorExtensions()).containsExactly("avx", "avx2", "avx512_vnni", "avx512f", "avx_vnni", "fma",
        "sse4_2");
    assertThat(cpu.describe()).isEqualTo("AMD EPYC, 2 cores, avx avx2 avx512_vnni avx512f avx_vnni fma sse4_2");
  }

  @Test
  void armReportsItsFeaturesAndAMachineWithoutCpuinfoItsArchitecture() {
    CpuInfo arm = CpuInfo.parse("processor\t: 0\nFeatures\t: fp asimd evtstrm sve aes\nCPU part\t: 0xd0c\n", 4);
    assertThat(arm.vectorExtensions()).containsExactly("asimd", "sve");
    assertThat(CpuInfo.parse("", 1).model()).isEqualTo(System.getProperty("os.arch"));
    assertThat(CpuInfo.current().cores()).isPositive();
  }
}
