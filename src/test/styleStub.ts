// Stylesheets and images imported by packages the frontend tests load are not needed in jsdom.
export default {};
