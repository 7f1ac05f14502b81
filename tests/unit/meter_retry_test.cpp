#include "watch/meter_retry.hpp"

#include <gtest/gtest.h>

namespace micdoctor::test {
namespace {

using namespace std::chrono_literals;
using Clock = MeterRetry::Clock;

TEST(MeterRetry, ARefusedSourceIsTriedAgainAfterAWaitThatDoublesUpToTheLongest) {
  MeterRetry retry(1000ms, 8000ms);
  Clock::time_point now{};
  ASSERT_TRUE(retry.may_try("mic", "SUSPENDED", now));
  for (const auto wait : {1000ms, 2000ms, 4000ms, 8000ms, 8000ms}) {
    retry.refused("mic", "SUSPENDED", now);
    EXPECT_EQ(retry.next_try(), now + wait);
    EXPECT_FALSE(retry.may_try("mic", "SUSPENDED", now + wait - 1ms));
    now += wait;
    EXPECT_TRUE(retry.may_try("mic", "SUSPENDED", now));
  }
}

TEST(MeterRetry, AChangeOfStateIsTriedAtOnceWithoutResettingTheWait) {
  MeterRetry retry(1000ms, 8000ms);
  const Clock::time_point now{};
  retry.refused("mic", "SUSPENDED", now);
  EXPECT_TRUE(retry.may_try("mic", "IDLE", now));
  retry.refused("mic", "IDLE", now);  // a source that flaps between states still waits longer each time
  EXPECT_EQ(retry.next_try(), now + 2000ms);
}

TEST(MeterRetry, AnotherSourceOrASuccessStartsAfresh) {
  MeterRetry retry(1000ms, 8000ms);
  const Clock::time_point now{};
  retry.refused("mic", "SUSPENDED", now);
  retry.refused("mic", "SUSPENDED", now);
  EXPECT_TRUE(retry.may_try("headset", "SUSPENDED", now));
  retry.refused("headset", "SUSPENDED", now);
  EXPECT_EQ(retry.next_try(), now + 1000ms);
  retry.succeeded();
  EXPECT_TRUE(retry.may_try("headset", "SUSPENDED", now));
  retry.refused("headset", "SUSPENDED", now);
  EXPECT_EQ(retry.next_try(), now + 1000ms);
}

}  // namespace
}  // namespace micdoctor::test
