package io.leakguard.detector.scan;

import java.util.Arrays;

/** A growable list of ints: positions are collected by the million in adversarial input, boxing them would hurt. */
final class IntList {

  private int[] values = new int[8];
  private int size;

  void add(int value) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = value;
  }

  int get(int index) {
    return values[index];
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  void addAll(IntList other) {
    for (int i = 0; i < other.size; i++) {
      add(other.values[i]);
    }
  }

  void sort() {
    Arrays.sort(values, 0, size);
  }
}
