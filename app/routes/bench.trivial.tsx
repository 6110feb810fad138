// Public: a one-line page with no loader and no data, rendered inside the root layout like every
// page. `npm run bench` measures it under our server and under stock remix-serve ("trivial" and
// "remix-serve-trivial"); see bench/README.md. It shows nothing a signed-out visitor cannot see.
export default function BenchTrivial() {
  return <p>DeskCoach is running.</p>;
}
